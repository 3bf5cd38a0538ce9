// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let eddy = { (name: String) in Target.Dependency.product(name: name, package: "Eddy") }

/// Worked programs built on Eddy's products, as a user's package would be.
let package = Package(
  name: "EddyExamples",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "eddy-kv", targets: ["eddy-kv"]),
    .library(name: "RESP", targets: ["RESP"]),
    .library(name: "KeyValue", targets: ["KeyValue"]),
    .executable(name: "chat-server", targets: ["chat-server"]),
    .executable(name: "chat-client", targets: ["chat-client"]),
    .executable(name: "rpc-server", targets: ["rpc-server"]),
    .executable(name: "rpc-async", targets: ["rpc-async"]),
    .executable(name: "cat-codec", targets: ["cat-codec"]),
    .executable(name: "udp-echo", targets: ["udp-echo"]),
    .executable(name: "tls-lines", targets: ["tls-lines"]),
    .executable(name: "graceful-shutdown", targets: ["graceful-shutdown"]),
  ],
  dependencies: [
    .package(name: "Eddy", path: ".."),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
  ],
  targets: [
    .target(name: "RESP", dependencies: [eddy("EddyCodecs"), eddy("EddyProtocols")], swiftSettings: strict),
    .target(
      name: "KeyValue",
      dependencies: ["RESP", eddy("EddyCodecs"), eddy("EddyProtocols"), eddy("EddyReactor")],
      swiftSettings: strict),
    .executableTarget(
      name: "eddy-kv",
      dependencies: [
        "KeyValue", "RESP", eddy("EddyCodecs"), eddy("EddyReactor"), eddy("EddyTransports"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict),

    // The first programs: what a newcomer writes first, each as short as it can be
    // (docs/first-programs.md counts their lines beside asyncio's and SwiftNIO's).
    .executableTarget(name: "chat-server", dependencies: [eddy("Eddy")], swiftSettings: strict),
    // The chat server's client, which the DocC tutorial (Modules/Eddy/Eddy.docc) builds with it.
    .executableTarget(name: "chat-client", dependencies: [eddy("Eddy")], swiftSettings: strict),
    .target(name: "RPC", dependencies: [eddy("Eddy")], swiftSettings: strict),
    .executableTarget(name: "rpc-server", dependencies: ["RPC", eddy("Eddy")], swiftSettings: strict),
    .executableTarget(name: "rpc-async", dependencies: ["RPC", eddy("Eddy")], swiftSettings: strict),
    .executableTarget(name: "cat-codec", dependencies: [eddy("Eddy")], swiftSettings: strict),
    .executableTarget(name: "udp-echo", dependencies: [eddy("Eddy")], swiftSettings: strict),
    .executableTarget(
      name: "tls-lines", dependencies: [eddy("Eddy"), eddy("EddyTLS"), eddy("EddyTLSReactor")],
      swiftSettings: strict),
    .executableTarget(name: "graceful-shutdown", dependencies: [eddy("Eddy")], swiftSettings: strict),
    // The same drain run by swift-service-lifecycle, as a server in a ServiceGroup would be.
    .executableTarget(
      name: "service-echo",
      dependencies: [
        eddy("Eddy"), eddy("EddyServiceLifecycle"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict),
    // An echo whose metrics (EddyMetrics) are exported to Prometheus (swift-prometheus).
    .executableTarget(
      name: "metrics-echo",
      dependencies: [
        eddy("Eddy"), eddy("EddyMetrics"), .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      swiftSettings: strict),

    .testTarget(name: "FirstProgramsTests", dependencies: [eddy("Eddy")], swiftSettings: strict),
    .testTarget(
      name: "RESPTests",
      dependencies: ["RESP", eddy("EddyCodecs"), eddy("EddyProtocols"), eddy("EddyTesting")],
      swiftSettings: strict),
    .testTarget(
      name: "KeyValueTests",
      dependencies: ["KeyValue", "RESP", eddy("EddyCodecs"), eddy("EddyProtocols"), eddy("EddyTesting")],
      swiftSettings: strict),
  ]
)
