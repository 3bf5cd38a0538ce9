/// A Swift concurrency job enqueued on a loop, and which of the loop's two executor roles it
/// was enqueued on: that decides how it runs.
enum LoopJob: Sendable {
  /// The job of a task whose executor preference is the loop, running non-isolated code.
  case task(UnownedJob)
  /// The job of an actor whose serial executor is the loop.
  case actor(UnownedJob)
}

/// One item of work the loop runs at the end of a turn: a callback scheduled with `callSoon`,
/// or a job enqueued from the loop's own thread. Jobs wait in the same queue as callbacks, so
/// work scheduled from the loop's thread runs in the order it was scheduled, and a job costs no
/// allocation of its own.
enum ReadyWork {
  /// A callback scheduled from the loop's thread.
  case callback(CallbackHandle)
  /// A job enqueued from the loop's thread.
  case job(LoopJob)
}

/// One item of work handed to the loop from another thread: a closure from `execute` or
/// `submit`, or a job enqueued from that thread.
enum HandedOverWork: Sendable {
  /// A closure to run on the loop's thread.
  case closure(@Sendable () -> Void)
  /// A job enqueued from another thread.
  case job(LoopJob)
}
