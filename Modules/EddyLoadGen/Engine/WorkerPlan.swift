/// What one worker is told to do: the shared configuration and its own share of the work.
struct WorkerPlan: Sendable {
  /// The worker's position among `workerCount` workers; connection `i` belongs to worker
  /// `i % workerCount`.
  let index: Int
  let workerCount: Int
  let configuration: LoadConfiguration
  let framing: MessageFraming
  /// This worker's share of ``LoadConfiguration/requests``.
  let requests: Int?
  /// Seeds each connection's random choices (message mix, `{rand:…}`).
  let seed: UInt64

  init(
    index: Int, workerCount: Int, configuration: LoadConfiguration, framing: MessageFraming, seed: UInt64
  ) {
    self.seed = seed
    self.index = index
    self.workerCount = workerCount
    self.configuration = configuration
    self.framing = framing
    self.requests = configuration.requests.map { total in
      total / workerCount + (index < total % workerCount ? 1 : 0)
    }
  }

  /// The open-loop interval between two messages of one connection, in nanoseconds.
  var rateInterval: Double? {
    configuration.rate.map { 1e9 * Double(configuration.connections) / $0 }
  }

  /// The connections among `range` that belong to this worker.
  func ownedConnections(in range: Range<Int>) -> [Int] {
    range.filter { $0 % workerCount == index }
  }
}
