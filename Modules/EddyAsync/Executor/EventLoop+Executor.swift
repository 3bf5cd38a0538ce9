import EddyReactor

/// An event loop runs Swift concurrency jobs on its thread, through ``/EddyReactor/EventLoop/execute(_:)``.
///
/// As a `SerialExecutor` it can be an actor's executor: the actor's code then runs on the loop's
/// thread and may call transports directly, with no hop:
///
/// ```swift
/// actor Session {
///   let loop: EventLoop
///   nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
/// }
/// ```
///
/// As a `TaskExecutor` it runs the non-isolated code of a task given
/// `withTaskExecutorPreference(loop)`. Jobs enqueued on a closed loop never run.
extension EventLoop: SerialExecutor, TaskExecutor {
  /// Runs `job` on the loop's thread, after the work already queued.
  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let serial = asUnownedSerialExecutor()
    let task = asUnownedTaskExecutor()
    execute { job.runSynchronously(isolatedTo: serial, taskExecutor: task) }
  }

  /// Traps unless called on the loop's thread, so `assumeIsolated` works for actors on it.
  public func checkIsolated() {
    precondition(isInLoopThread, "not on the event loop's thread")
  }
}
