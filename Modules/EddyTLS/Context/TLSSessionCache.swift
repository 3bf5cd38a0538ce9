import CEddyOpenSSL
import Synchronization

/// A client's resumable sessions, one per server name, bounded in count.
final class TLSSessionCache: Sendable {
  /// An owned `SSL_SESSION` reference; only touched under the cache's lock.
  private struct Session: @unchecked Sendable {
    let pointer: OpaquePointer
  }

  /// The most sessions kept; the oldest is dropped beyond it.
  private let capacity: Int
  private let sessions = Mutex<[(name: String, session: Session)]>([])

  init(capacity: Int = 256) {
    self.capacity = capacity
  }

  deinit {
    sessions.withLock { entries in
      for entry in entries { SSL_SESSION_free(entry.session.pointer) }
    }
  }

  /// Keeps `session` (taking over the caller's reference) as the one to resume with `name`.
  func store(_ session: OpaquePointer, for name: String) {
    let dropped = sessions.withLock { entries -> [Session] in
      var dropped: [Session] = []
      if let index = entries.firstIndex(where: { $0.name == name }) {
        dropped.append(entries.remove(at: index).session)
      }
      entries.append((name, Session(pointer: session)))
      if entries.count > capacity { dropped.append(entries.removeFirst().session) }
      return dropped
    }
    for session in dropped { SSL_SESSION_free(session.pointer) }
  }

  /// Offers the session kept for `name`, if any, to `ssl` for resumption.
  func offer(to ssl: OpaquePointer, for name: String) {
    sessions.withLock { entries in
      guard let entry = entries.last(where: { $0.name == name }) else { return }
      // SSL_set_session takes a reference of its own.
      _ = SSL_set_session(ssl, entry.session.pointer)
    }
  }
}
