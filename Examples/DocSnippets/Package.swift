// swift-tools-version:6.1
import Foundation
import PackageDescription

// The Swift code blocks of README.md, docs/ and the DocC catalogs, and the DocC tutorial's step
// files, compiled as a user's program would be: one executable target per block (its main.swift)
// or step file, written under Sources/ by Tools/scripts/check-docs.sh (which also says how a block
// is marked). Nothing here is checked in but this manifest. The script passes the targets' names in EDDY_SNIPPET_TARGETS only so that
// SwiftPM's manifest cache, keyed on the environment, sees a new or removed block.

let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let eddy = { (name: String) in Target.Dependency.product(name: name, package: "Eddy") }

/// Every product a documented program may import: the umbrella, TLS, metrics, and each module
/// alone; the Examples package's RESP and KeyValue, which the README's key-value server excerpt is
/// from; and the swift-service-lifecycle and swift-log products EddyServiceLifecycle's page uses.
let products =
  [
    "Eddy", "EddyReactor", "EddyProtocols", "EddyTransports", "EddyCodecs", "EddyAsync", "EddyTLS",
    "EddyTLSReactor", "EddyTesting", "EddyMetrics", "EddyLoadGen", "EddyServiceLifecycle",
  ].map(eddy) + ["RESP", "KeyValue"].map { Target.Dependency.product(name: $0, package: "Examples") }
  + [
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "Logging", package: "swift-log"),
  ]

let sources = Context.packageDirectory + "/Sources"
let blocks = ((try? FileManager.default.contentsOfDirectory(atPath: sources)) ?? []).filter {
  !$0.hasPrefix(".")
}.sorted()

let package = Package(
  name: "EddySnippets",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "Eddy", path: "../.."), .package(path: ".."),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
  ],
  targets: blocks.map {
    .executableTarget(
      name: $0, dependencies: products, path: "Sources/\($0)", swiftSettings: strict)
  }
)
