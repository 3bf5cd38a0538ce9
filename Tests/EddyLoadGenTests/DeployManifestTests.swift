import EddyTestSupport
import Foundation
import Testing

/// The deployment examples in deploy/ pass only flags the built tools have.
///
/// The Kubernetes manifests write each container's `command` and `args` as a JSON array on one
/// line (`args: ["--json"]`, which is YAML flow style too), so they are read here with
/// JSONSerialization and no YAML reader; a `command:` or `args:` in any other form fails the test,
/// so that no list escapes the check. The ssh script's loadgen lines are read for their
/// `--flags` as they are.
@Suite(.serialized) struct DeployManifestTests {
  /// The package's root directory.
  private static var root: String {
    let testFile = #filePath
    return String(testFile[..<testFile.range(of: "/Tests/EddyLoadGenTests/")!.lowerBound])
  }

  /// One container's program and arguments, as a manifest gives them.
  struct Container {
    let file: String
    var command: [String]
    var args: [String] = []
    var words: [String] { command + args }

    /// The tool this container runs, and whether it runs `loadgen merge`.
    var tool: String? {
      let names = words.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
      return names.first { $0 == "loadgen" || $0 == "echo-server" }
    }
    var isMerge: Bool { tool == "loadgen" && words.contains("merge") }
  }

  /// Every container of the YAML `text`: a `command:` line begins one, an `args:` line belongs
  /// to the last one begun.
  static func containers(in text: String, file: String) throws -> [Container] {
    var found: [Container] = []
    for line in text.split(separator: "\n").map(String.init) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard let key = ["command:", "args:"].first(where: { trimmed.hasPrefix($0) }) else { continue }
      let value = trimmed.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
      let list = try #require(
        try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String],
        "\(file): `\(trimmed)` is not a JSON array of strings on one line")
      if key == "command:" {
        found.append(Container(file: file, command: list))
      } else {
        try #require(!found.isEmpty, "\(file): args before any command")
        found[found.count - 1].args = list
      }
    }
    return found
  }

  /// Every `--flag` in `words` (a shell script's words too), without any `=VALUE`.
  static func flags(in words: [String]) -> Set<String> {
    var flags = Set<String>()
    let pattern = try! NSRegularExpression(pattern: #"(?<![\w-])--[a-z][a-z0-9-]*"#)
    for word in words {
      let range = NSRange(word.startIndex..., in: word)
      for match in pattern.matches(in: word, range: range) {
        flags.insert(String(word[Range(match.range, in: word)!]))
      }
    }
    return flags
  }

  /// The long options listed under OPTIONS in a tool's `--help` output.
  static func helpOptions(_ executable: String, _ arguments: [String]) async throws -> Set<String> {
    let help = try ChildProcess(executable, arguments + ["--help"])
    #expect(await help.wait(seconds: 30) == 0, "\(help.standardError)")
    var options = Set<String>()
    var inOptions = false
    for line in help.standardOutput.split(separator: "\n").map(String.init) {
      if line == "OPTIONS:" {
        inOptions = true
        continue
      }
      guard inOptions else { continue }
      // "  --rate <per-second>  ..." or "  -h, --help  ...": an option's own line.
      let words = line.split(separator: " ").map(String.init)
      if let first = words.first, first.hasPrefix("--") {
        options.insert(first)
      } else if words.count > 1, words[0].hasPrefix("-"), words[0].hasSuffix(","), words[1].hasPrefix("--") {
        options.insert(words[1])
      }
    }
    #expect(options.count > 1, "no options read from \(executable) \(arguments) --help")
    return options
  }

  /// Each `$(NAME)` a container's words use, which Kubernetes replaces by the variable NAME.
  static func references(in words: [String]) -> Set<String> {
    let pattern = try! NSRegularExpression(pattern: #"\$\(([A-Za-z_][A-Za-z0-9_]*)\)"#)
    var names = Set<String>()
    for word in words {
      for match in pattern.matches(in: word, range: NSRange(word.startIndex..., in: word)) {
        names.insert(String(word[Range(match.range(at: 1), in: word)!]))
      }
    }
    return names
  }

  @Test func everyFlagTheKubernetesManifestsPassExistsInTheBuiltToolsHelp() async throws {
    let directory = Self.root + "/deploy/kubernetes"
    let listing = try FileManager.default.contentsOfDirectory(atPath: directory)
    let files = listing.filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(files.contains("loadgen-job.yaml") && files.contains("merge-job.yaml"))
    var containers: [Container] = []
    for file in files {
      let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
      let found = try Self.containers(in: text, file: file)
      containers += found
      // Every variable an argument uses is defined in the same file.
      for container in found {
        for name in Self.references(in: container.words) {
          let defined = text.contains("- name: \(name)\n")
          #expect(defined, "\(file): $(\(name)) is never defined")
        }
      }
    }
    let run = try await Self.helpOptions(Built.loadgen, [])
    let merge = try await Self.helpOptions(Built.loadgen, ["merge"])
    let server = try await Self.helpOptions(Built.echoServer, [])
    for container in containers {
      let known =
        switch container.tool {
        case "loadgen": container.isMerge ? merge : run
        case "echo-server": server
        default: Set<String>()
        }
      #expect(container.tool != nil, "\(container.file): \(container.command) runs neither tool")
      let unknown = Self.flags(in: container.words).subtracting(known)
      #expect(
        unknown.isEmpty, "\(container.file): \(unknown.sorted()) not in \(container.tool ?? "?") --help")
    }
    // The run writes what the merge needs, started together; the merge writes JSON.
    let runs = containers.filter { $0.tool == "loadgen" && !$0.isMerge }
    let merges = containers.filter(\.isMerge)
    #expect(runs.count == 1 && merges.count == 1)
    for run in runs {
      #expect(Self.flags(in: run.args).isSuperset(of: ["--start-at", "--json", "--hlog"]))
    }
    for merge in merges { #expect(Self.flags(in: merge.args).contains("--json")) }
    let job = try String(contentsOfFile: directory + "/loadgen-job.yaml", encoding: .utf8)
    #expect(job.contains("completionMode: Indexed") && job.contains("apiVersion: batch/v1"))
    #expect(job.contains("JOB_COMPLETION_INDEX"))
  }

  @Test func everyFlagTheSSHScriptPassesExistsInLoadgensHelp() async throws {
    let script = try String(contentsOfFile: Self.root + "/deploy/ssh/loadgen-hosts.sh", encoding: .utf8)
    let run = try await Self.helpOptions(Built.loadgen, [])
    let merge = try await Self.helpOptions(Built.loadgen, ["merge"])
    var checked = 0
    for line in script.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
      let words = line.split(separator: " ").map(String.init)
      guard words.contains(where: { $0.contains("LOADGEN") }) else { continue }
      let isMerge = words.contains("merge")
      let unknown = Self.flags(in: words).subtracting(isMerge ? merge : run)
      #expect(unknown.isEmpty, "\(unknown.sorted()) not in loadgen\(isMerge ? " merge" : "") --help: \(line)")
      checked += 1
    }
    #expect(checked == 2, "expected the script's loadgen line and its loadgen merge line")
  }
}
