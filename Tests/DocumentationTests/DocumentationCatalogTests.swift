import Foundation
import Testing

/// Every public module's DocC catalog, checked from its files (no DocC build needed): a landing
/// page titled with the module's symbol, a summary, and Topics whose links name symbols the
/// sources declare, listing every top-level public declaration and every article and tutorial.
/// `make docs` builds the catalogs with DocC itself, warnings as errors.
@Suite struct DocumentationCatalogTests {
  /// The modules whose catalogs are checked: every library product.
  static let documented = ModuleSources.products

  @Test func everyProductHasACatalog() {
    #expect(Self.documented.count >= 12, "products read from Package.swift: \(ModuleSources.products)")
    for module in Self.documented {
      #expect(Catalog(module: module) != nil, "no Modules/\(module)/\(module).docc/\(module).md")
    }
  }

  @Test(arguments: documented)
  func landingPageIsTitledWithTheModuleAndSummarizesIt(module: String) throws {
    let catalog = try #require(Catalog(module: module), "no Modules/\(module)/\(module).docc/\(module).md")
    #expect(catalog.landing.first == "# ``\(module)``")
    let summary = catalog.landing.dropFirst().first { !$0.isEmpty }
    #expect(summary.map { !$0.hasPrefix("#") && !$0.hasPrefix("@") } == true, "no summary under the title")
    #expect(catalog.landing.contains("## Overview"))
  }

  @Test(arguments: documented)
  func topicsGroupLinksToSymbolsTheSourcesDeclare(module: String) throws {
    let catalog = try #require(Catalog(module: module))
    #expect(catalog.topics.contains { $0.hasPrefix("### ") }, "no task groups under ## Topics")
    #expect(!catalog.topicSymbolLinks.isEmpty, "no symbol links under ## Topics")
    for link in catalog.topicSymbolLinks {
      #expect(resolves(link, from: module), "``\(link)`` names nothing the sources declare")
    }
  }

  @Test(arguments: documented)
  func topicsListEveryTopLevelPublicDeclaration(module: String) throws {
    let catalog = try #require(Catalog(module: module))
    let listed = Set(catalog.topicSymbolLinks.map(baseName(of:)))
    for name in ModuleSources.topLevelPublicNames(in: ModuleSources.text(of: module)) {
      #expect(listed.contains(name), "\(name) is public in \(module) but not under ## Topics")
    }
  }

  @Test(arguments: documented)
  func everyArticleAndTutorialIsReachableFromTheTopics(module: String) throws {
    let catalog = try #require(Catalog(module: module))
    let linked = Set(catalog.topicPageLinks.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
    for page in catalog.pages {
      #expect(linked.contains(page), "\(page) is in \(module)'s catalog but not under ## Topics")
    }
    for page in linked {
      #expect(catalog.pages.contains(page), "<doc:\(page)> is not a page of \(module)'s catalog")
    }
  }

  /// True when `link` (`Type/member(label:)`, or `/Module/…` into another module) names what
  /// the sources declare: its last part in the module it points into, every part before it
  /// (a type, or a module whose type is extended) somewhere in Modules/.
  private func resolves(_ link: String, from module: String) -> Bool {
    var parts = link.split(separator: "/").map(String.init)
    var target = module
    if link.hasPrefix("/") {
      target = parts.removeFirst()
      guard ModuleSources.modules.contains(target) else { return false }
      if parts.isEmpty { return ModuleSources.products.contains(target) }
    }
    for part in parts.dropLast() where !ModuleSources.modules.contains(part) {
      guard ModuleSources.declares(baseName(of: part), in: ModuleSources.everything) else { return false }
    }
    return ModuleSources.declares(baseName(of: parts.last!), in: ModuleSources.text(of: target))
  }

  /// A link's last part without its parameter labels or disambiguation: `write` for
  /// `Server/write(_:)`, `Layer` for `Layer-swift.enum`.
  private func baseName(of link: String) -> String {
    let last = link.split(separator: "/").last.map(String.init) ?? link
    return String(last.prefix { $0 != "(" && $0 != "-" })
  }
}
