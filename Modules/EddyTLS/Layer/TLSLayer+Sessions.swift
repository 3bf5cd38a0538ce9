import CEddyOpenSSL

extension TLSLayer {
  /// OpenSSL's new-session callback on clients: keeps the session under the connection's
  /// session name. Returning 1 takes over OpenSSL's reference to it.
  static let sessionIssued: @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32 = { ssl, session in
    guard let ssl, let session, let owner = SSL_get_ex_data(ssl, 0) else { return 0 }
    let layer = Unmanaged<TLSLayer>.fromOpaque(owner).takeUnretainedValue()
    guard SSL_SESSION_is_resumable(session) == 1, let name = layer.sessionName else { return 0 }
    layer.context.sessions.store(session, for: name)
    return 1
  }
}
