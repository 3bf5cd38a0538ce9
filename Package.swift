// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

/// A library target under Modules/ with the project's settings.
func module(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
  .target(name: name, dependencies: dependencies, path: "Modules/\(name)", swiftSettings: strict)
}

/// A test target under Tests/ with the project's settings; with `support`, it uses the helpers
/// the test targets share (EddyTestSupport, Tests/Support).
func tests(_ name: String, _ dependencies: [Target.Dependency], support: Bool = true) -> Target {
  .testTarget(
    name: name, dependencies: dependencies + (support ? ["EddyTestSupport"] : []), path: "Tests/\(name)",
    swiftSettings: strict)
}

/// A command-line tool under Tools/ with the project's settings.
func tool(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
  .executableTarget(
    name: name,
    dependencies: dependencies + [.product(name: "ArgumentParser", package: "swift-argument-parser")],
    path: "Tools/\(name)", swiftSettings: strict)
}

let deque = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
let heap = Target.Dependency.product(name: "HeapModule", package: "swift-collections")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let histogram = Target.Dependency.product(name: "Histogram", package: "hdrhistogram-swift")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let metricsTestKit = Target.Dependency.product(name: "MetricsTestKit", package: "swift-metrics")

let package = Package(
  name: "Eddy",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "Eddy", targets: ["Eddy"]),
    .library(name: "EddyReactor", targets: ["EddyReactor"]),
    .library(name: "EddyProtocols", targets: ["EddyProtocols"]),
    .library(name: "EddyTransports", targets: ["EddyTransports"]),
    .library(name: "EddyCodecs", targets: ["EddyCodecs"]),
    .library(name: "EddyTesting", targets: ["EddyTesting"]),
    .library(name: "EddyTLS", targets: ["EddyTLS"]),
    .library(name: "EddyTLSReactor", targets: ["EddyTLSReactor"]),
    .library(name: "EddyLoadGen", targets: ["EddyLoadGen"]),
    .library(name: "EddyAsync", targets: ["EddyAsync"]),
    .library(name: "EddyServiceLifecycle", targets: ["EddyServiceLifecycle"]),
    .library(name: "EddyMetrics", targets: ["EddyMetrics"]),
    .executable(name: "echo-server", targets: ["echo-server"]),
    .executable(name: "loadgen", targets: ["loadgen"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    // `make docs`: swift package generate-documentation builds each module's DocC catalog
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // System shims
    .target(name: "CEddySystem", path: "Modules/CEddySystem"),
    .systemLibrary(name: "CZlib", path: "Modules/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .target(
      name: "CEddyOpenSSL", path: "Modules/CEddyOpenSSL",
      linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
    .target(name: "CEddyPacing", path: "Modules/CEddyPacing"),
    .target(
      name: "CEddyURing", path: "Modules/CEddyURing",
      linkerSettings: [.linkedLibrary("uring", .when(platforms: [.linux]))]),

    // Libraries, bottom up
    module("EddyReactor", ["CEddySystem", "CEddyURing", deque, heap, logging]),
    module("EddyProtocols", []),
    // Logging: swift-log, already EddyReactor's, for the server's connection lifecycle.
    module("EddyTransports", ["CEddySystem", "EddyReactor", "EddyProtocols", deque, logging]),
    module("EddyCodecs", ["CZlib", "EddyProtocols"]),
    module("EddyTesting", ["EddyCodecs", "EddyProtocols"]),
    module("EddyTLS", ["CEddyOpenSSL", "EddyProtocols", deque, logging]),
    module("EddyTLSReactor", ["EddyTLS", "EddyReactor"]),
    module(
      "EddyLoadGen",
      [
        "CEddyPacing", "CZlib", "EddyCodecs", "EddyReactor", "EddyProtocols", "EddyTransports", "EddyTLS",
        histogram,
      ]),
    module("EddyAsync", ["EddyReactor", "EddyProtocols", "EddyTransports", deque]),
    module("Eddy", ["EddyAsync", "EddyCodecs", "EddyProtocols", "EddyReactor", "EddyTransports"]),
    module("EddyServiceLifecycle", ["EddyAsync", "EddyReactor", "EddyTransports", lifecycle]),
    module("EddyMetrics", ["EddyCodecs", "EddyReactor", "EddyTLS", "EddyTransports", metrics]),

    // Fuzz programs, shared by the libFuzzer build (Tools/scripts/fuzz.sh) and the test suite
    .target(
      name: "EddyFuzzTargets", dependencies: ["EddyProtocols", "EddyCodecs", "EddyTesting"],
      path: "Tests/Fuzz/Targets", swiftSettings: strict),

    // Helpers shared by the test targets (waiting, loops, child processes, probes); not a product
    .target(
      name: "EddyTestSupport", dependencies: ["EddyReactor", "EddyProtocols", "EddyTransports", logging],
      path: "Tests/Support", swiftSettings: strict),

    // Tools
    tool("echo-server", ["EddyTransports", "EddyCodecs", "EddyTLS", "EddyTLSReactor", "EddyAsync"]),
    tool("loadgen", ["EddyLoadGen", "EddyCodecs", "EddyReactor", "EddyTLS", "EddyTLSReactor"]),

    // Tests
    tests("EddyReactorTests", ["EddyReactor"]),
    tests("EddyProtocolsTests", ["EddyProtocols"], support: false),
    tests("EddyTransportsTests", ["EddyTransports", "EddyCodecs", logging]),
    tests("EddyTestingTests", ["EddyTesting", "EddyCodecs", "EddyProtocols"], support: false),
    tests("EddyCodecsTests", ["EddyCodecs", "EddyTesting", "EddyProtocols"]),
    tests("EddyLoadGenTests", ["EddyLoadGen", "EddyCodecs", "EddyTransports", histogram]),
    tests(
      "EddyTLSTests",
      ["CEddyOpenSSL", "EddyTLS", "EddyTLSReactor", "EddyTransports", "EddyTesting", "EddyCodecs"]),
    tests("EddyAsyncTests", ["EddyAsync", "EddyCodecs", "EddyTLS", "EddyTLSReactor", "EddyLoadGen"]),
    tests("EddyFuzzTests", ["EddyFuzzTargets"], support: false),
    tests("EddyServiceLifecycleTests", ["EddyServiceLifecycle", "EddyAsync", "EddyCodecs", lifecycle]),
    tests(
      "EddyMetricsTests",
      [
        "EddyMetrics", "EddyCodecs", "EddyReactor", "EddyTLS", "EddyTLSReactor", "EddyTransports",
        metricsTestKit,
      ]),
    // The DocC catalogs (Modules/*/*.docc) read as files: no dependency, no DocC build
    tests("DocumentationTests", [], support: false),
  ]
)
