import CEddySystem
import DequeModule
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Files a stream transport sends with `sendfile(2)`, each placed in the stream after the bytes
/// queued before it (a position in ``PendingWrites``), so that writes before and after a file
/// keep their order.
struct FileRegions {
  /// One file being sent.
  struct Region {
    let fd: Int32
    var offset: Int64
    var remaining: Int
    var sent = 0
    /// The stream position (``PendingWrites/enqueuedTotal``) after which it goes.
    let position: Int
    let completion: (Result<Int, SendFileError>) -> Void
  }

  /// How one attempt on the first file ended.
  enum Progress {
    /// The file is sent (or failed on its own side, and was reported): go on with what follows.
    case finished(Region, Result<Int, SendFileError>)
    /// The kernel's buffer is full.
    case wouldBlock
    /// The socket failed.
    case failed(SystemError)
  }

  private var regions = Deque<Region>()
  /// File bytes not yet sent, for the water marks.
  private(set) var byteCount = 0
  /// File bytes ever sent, for the traffic counts.
  private(set) var sentTotal = 0

  var isEmpty: Bool { regions.isEmpty }

  /// Where the first file goes in the stream.
  var nextPosition: Int? { regions.first?.position }

  mutating func append(_ region: Region) {
    regions.append(region)
    byteCount += region.remaining
  }

  /// Sends from the first file as much as the socket takes, a chunk at a time.
  mutating func sendFirst(to fd: Int32) -> Progress {
    while regions[0].remaining > 0 {
      var offset = off_t(regions[0].offset)
      let sent = sendfile(fd, regions[0].fd, &offset, min(regions[0].remaining, Self.chunk))
      if sent > 0 {
        regions[0].offset += Int64(sent)
        regions[0].remaining -= sent
        regions[0].sent += sent
        byteCount -= sent
        sentTotal &+= sent
        continue
      }
      if sent == 0 { return finishFirst(.failure(.fileEnded(sent: regions[0].sent))) }
      let error = currentErrno()
      switch error {
      case EINTR: continue
      case EAGAIN, EWOULDBLOCK: return .wouldBlock
      case EPIPE, ECONNRESET, ENOTCONN: return .failed(SystemError("sendfile", errno: error))
      default:
        return finishFirst(
          .failure(.readFailed(SystemError("sendfile", errno: error), sent: regions[0].sent)))
      }
    }
    return finishFirst(.success(regions[0].sent))
  }

  private mutating func finishFirst(_ result: Result<Int, SendFileError>) -> Progress {
    let region = regions.removeFirst()
    byteCount -= region.remaining
    return .finished(region, result)
  }

  /// Removes every file, handing each back with the bytes it had sent.
  mutating func removeAll() -> [Region] {
    // Copying an empty deque writes the count into the shared empty array's storage, which
    // ThreadSanitizer reports between loops: every connection's end comes here.
    guard !regions.isEmpty else { return [] }
    let all = Array(regions)
    regions.removeAll()
    byteCount = 0
    return all
  }

  /// The most one `sendfile` call is asked for.
  static let chunk = 1 << 20
}
