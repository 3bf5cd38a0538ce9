import EddyLoadGen
import EddyReactor

/// Keeps every progress report a run makes.
final class ProgressRecorder: Sendable {
  private let reports = Locked<[LoadProgress]>([])

  func add(_ progress: LoadProgress) { reports.withLock { $0.append(progress) } }

  var all: [LoadProgress] { reports.withLock { $0 } }
}
