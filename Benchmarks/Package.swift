// swift-tools-version:6.1
import PackageDescription

// The comparison peers (SwiftNIO and C echo servers) need nothing from Eddy, so they can be built
// on their own with EDDY_BENCH_PEERS_ONLY=1, which leaves out the dependency on the root package
// and the micro benchmarks that use it.
let peersOnly = Context.environment["EDDY_BENCH_PEERS_ONLY"].map { !$0.isEmpty && $0 != "0" } ?? false

let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

var dependencies: [Package.Dependency] = [
  .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0"),
  .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.0.0"),
  .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.0.0"),
]

var targets: [Target] = [
  .executableTarget(
    name: "NIOEchoServer",
    dependencies: [
      .product(name: "NIOCore", package: "swift-nio"),
      .product(name: "NIOPosix", package: "swift-nio"),
      .product(name: "NIOExtras", package: "swift-nio-extras"),
      .product(name: "NIOSSL", package: "swift-nio-ssl"),
    ],
    path: "Sources/NIOEchoServer",
    swiftSettings: strict
  ),
  .executableTarget(name: "CEchoServer", path: "Sources/CEchoServer"),
  // The independent load client: C, epoll, one thread, every echoed byte checked; it shares no code
  // with Eddy, so the rows it measures do not measure the client with the code under test.
  .executableTarget(name: "CEchoClient", path: "Sources/CEchoClient"),
]

if !peersOnly {
  dependencies += [
    .package(name: "Eddy", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
  ]
  targets += [
    // The system zlib, called directly: the baseline the zlib layer is measured against.
    .systemLibrary(name: "CSystemZlib", path: "Sources/CSystemZlib", providers: [.apt(["zlib1g-dev"])]),
    .executableTarget(
      name: "EddyMicro",
      dependencies: [
        "CSystemZlib",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "EddyReactor", package: "Eddy"),
        .product(name: "EddyProtocols", package: "Eddy"),
        .product(name: "EddyCodecs", package: "Eddy"),
        .product(name: "EddyTesting", package: "Eddy"),
        .product(name: "EddyTransports", package: "Eddy"),
        .product(name: "EddyAsync", package: "Eddy"),
      ],
      path: "Benchmarks/EddyMicro",
      swiftSettings: strict,
      plugins: [
        .plugin(name: "BenchmarkPlugin", package: "benchmark")
      ]
    ),
  ]
}

let package = Package(
  name: "EddyBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: dependencies,
  targets: targets
)
