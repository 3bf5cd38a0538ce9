import Foundation

/// A module's DocC catalog as the files in the repository say it: its landing page and its other
/// pages, read without building anything.
struct Catalog {
  /// The module the catalog documents.
  let module: String
  /// The catalog's folder, Modules/<module>/<module>.docc.
  let path: String
  /// The lines of the landing page, <module>.md.
  let landing: [String]
  /// The names of the articles (the catalog's other .md files) and of the tutorials' tables of
  /// contents (.tutorial files with `@Tutorials`), without their extensions.
  let pages: [String]

  /// Reads the catalog of `module`; nil when the module has none.
  init?(module: String) {
    let path = repositoryRoot + "/Modules/\(module)/\(module).docc"
    guard let text = try? String(contentsOfFile: path + "/\(module).md", encoding: .utf8) else { return nil }
    self.module = module
    self.path = path
    self.landing = text.components(separatedBy: "\n")
    var pages: [String] = []
    for file in (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted() {
      let name = (file as NSString).lastPathComponent
      if name.hasSuffix(".md") && name != "\(module).md" {
        pages.append(String(name.dropLast(3)))
      } else if name.hasSuffix(".tutorial"),
        let tutorial = try? String(contentsOfFile: path + "/" + file, encoding: .utf8),
        tutorial.contains("@Tutorials(")
      {
        pages.append(String(name.dropLast(9)))
      }
    }
    self.pages = pages
  }

  /// The landing page's lines from `## Topics` to the next second-level heading or the end.
  var topics: [String] {
    guard let start = landing.firstIndex(of: "## Topics") else { return [] }
    let rest = landing[(start + 1)...]
    return Array(rest.prefix { !$0.hasPrefix("## ") })
  }

  /// The symbol links (``…``) of the Topics section, without their backticks.
  var topicSymbolLinks: [String] {
    topics.flatMap { line in matches(of: #"``([^`]+)``"#, in: line) }
  }

  /// The page links (<doc:…>) of the Topics section.
  var topicPageLinks: [String] {
    topics.flatMap { line in matches(of: #"<doc:([^>]+)>"#, in: line) }
  }
}

/// The repository's root, three directories above this file.
let repositoryRoot: String = {
  var path = #filePath
  for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
  return path
}()

/// The first capture group of every match of `pattern` in `text`.
func matches(of pattern: String, in text: String) -> [String] {
  let expression = try! NSRegularExpression(pattern: pattern)
  let range = NSRange(text.startIndex..., in: text)
  return expression.matches(in: text, range: range).compactMap { match in
    Range(match.range(at: 1), in: text).map { String(text[$0]) }
  }
}
