import Foundation

/// The Swift sources of the package's modules, read as text, to find what they declare.
enum ModuleSources {
  /// The library products of Package.swift, which every user may import: the modules a catalog
  /// documents.
  static let products: [String] = {
    let manifest = (try? String(contentsOfFile: repositoryRoot + "/Package.swift", encoding: .utf8)) ?? ""
    return matches(of: #"\.library\(name: "([A-Za-z]+)""#, in: manifest)
  }()

  /// Every module folder under Modules/.
  static let modules: Set<String> = Set(
    (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/Modules")) ?? [])

  /// The text of every .swift file of `module` outside its catalog, joined.
  static func text(of module: String) -> String { texts[module] ?? "" }

  /// The text of every module's sources, each read once.
  static let texts: [String: String] = Dictionary(
    uniqueKeysWithValues: modules.map { module in
      let path = repositoryRoot + "/Modules/\(module)"
      let files = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
        .filter { $0.hasSuffix(".swift") && !$0.contains(".docc/") }
      let text = files.compactMap { try? String(contentsOfFile: path + "/" + $0, encoding: .utf8) }
        .joined(separator: "\n")
      return (module, text)
    })

  /// The sources of every module, joined.
  static let everything = texts.values.joined(separator: "\n")

  /// True when `source` declares `name` (a type, member, case or function; `init` for an
  /// initializer).
  static func declares(_ name: String, in source: String) -> Bool {
    if name == "init" { return source.contains("init(") || source.contains("init?(") }
    let keywords = "func|var|let|case|class|struct|enum|protocol|typealias|actor|associatedtype"
    return !matches(
      of: #"\b(?:"# + keywords + #")\s+("# + NSRegularExpression.escapedPattern(for: name) + #")\b"#,
      in: source
    ).isEmpty
  }

  /// The names of the public declarations at the top level of `source`: its types, type
  /// aliases and free functions, which a landing page's topics should each list.
  static func topLevelPublicNames(in source: String) -> [String] {
    matches(
      of:
        #"(?m)^(?:@\w+(?:\([^)]*\))?\s+)*public\s+(?:final\s+)?(?:class|struct|enum|protocol|actor|typealias|func)\s+(\w+)"#,
      in: source)
  }
}
