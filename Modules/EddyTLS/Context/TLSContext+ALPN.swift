import CEddyOpenSSL

extension TLSContext {
  /// Clients offer ``TLSConfiguration/applicationProtocols``; servers choose among what clients
  /// offer, with the configured selector or in their own order of preference.
  func configureApplicationProtocols() throws(TLSError) {
    let names = configuration.applicationProtocols
    let wire = try Self.wireFormat(names)
    switch configuration.role {
    case .client:
      guard !names.isEmpty else { return }
      // Unusually, 0 means success here.
      guard SSL_CTX_set_alpn_protos(handle, wire, UInt32(wire.count)) == 0 else {
        throw .invalidConfiguration(reason: "cannot offer ALPN: \(OpenSSLErrors.drain())")
      }
    case .server:
      guard !names.isEmpty || configuration.applicationProtocolSelector != nil else { return }
      SSL_CTX_set_alpn_select_cb(
        handle, Self.selectApplicationProtocol, Unmanaged.passUnretained(self).toOpaque())
    }
  }

  /// ALPN's wire format: each name as a length byte followed by its bytes.
  private static func wireFormat(_ names: [String]) throws(TLSError) -> [UInt8] {
    var wire: [UInt8] = []
    for name in names {
      let bytes = Array(name.utf8)
      guard (1...255).contains(bytes.count) else {
        throw .invalidConfiguration(reason: "an ALPN name must be 1 to 255 bytes: \(name.debugDescription)")
      }
      wire.append(UInt8(bytes.count))
      wire.append(contentsOf: bytes)
    }
    return wire
  }

  /// The protocol a server picks from `offered` (in the client's order).
  private func chooseApplicationProtocol(from offered: [String]) -> String? {
    if let selector = configuration.applicationProtocolSelector { return selector(offered) }
    return configuration.applicationProtocols.first { offered.contains($0) }
  }

  /// OpenSSL's ALPN callback on servers: `argument` is the context. The chosen name must point
  /// into the client's list, so it is found there again by offset.
  private static let selectApplicationProtocol: SSL_CTX_alpn_select_cb_func = {
    _, selected, selectedLength, offeredBytes, offeredLength, argument in
    guard let argument, let offeredBytes, let selected, let selectedLength else {
      return SSL_TLSEXT_ERR_NOACK
    }
    let context = Unmanaged<TLSContext>.fromOpaque(argument).takeUnretainedValue()
    let list = UnsafeBufferPointer(start: offeredBytes, count: Int(offeredLength))
    var entries: [(name: String, offset: Int)] = []
    var offset = 0
    while offset < list.count {
      let length = Int(list[offset])
      guard length > 0, offset + 1 + length <= list.count else { return SSL_TLSEXT_ERR_NOACK }
      entries.append((String(decoding: list[(offset + 1)...(offset + length)], as: UTF8.self), offset + 1))
      offset += 1 + length
    }
    guard let choice = context.chooseApplicationProtocol(from: entries.map(\.name)),
      let entry = entries.first(where: { $0.name == choice })
    else { return SSL_TLSEXT_ERR_NOACK }
    selected.pointee = offeredBytes + entry.offset
    selectedLength.pointee = UInt8(choice.utf8.count)
    return SSL_TLSEXT_ERR_OK
  }
}
