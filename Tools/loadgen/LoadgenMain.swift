/// The entry point: `loadgen merge FILE…` goes to ``MergeCommand``, everything else is a run
/// (``LoadgenCommand``), whose TARGET argument would otherwise take the word `merge`.
@main
enum LoadgenMain {
  static func main() async {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == MergeCommand.configuration.commandName {
      MergeCommand.main(Array(arguments.dropFirst()))
    } else {
      await LoadgenCommand.main()
    }
  }
}
