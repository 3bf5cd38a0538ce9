/// The entry point: `loadgen merge FILE…` goes to ``MergeCommand``, `loadgen report FILE…` to
/// ``ReportCommand``, everything else is a run (``LoadgenCommand``), whose TARGET argument would
/// otherwise take the word.
@main
enum LoadgenMain {
  static func main() async {
    let arguments = Array(CommandLine.arguments.dropFirst())
    switch arguments.first {
    case MergeCommand.configuration.commandName: MergeCommand.main(Array(arguments.dropFirst()))
    case ReportCommand.configuration.commandName: ReportCommand.main(Array(arguments.dropFirst()))
    default: await LoadgenCommand.main()
    }
  }
}
