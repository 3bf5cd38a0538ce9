// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "Eddy",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "EddyReactor", targets: ["EddyReactor"]),
    .library(name: "EddyProtocols", targets: ["EddyProtocols"]),
    .library(name: "EddyTransports", targets: ["EddyTransports"]),
    .library(name: "EddyTesting", targets: ["EddyTesting"]),
    .library(name: "EddyCodecs", targets: ["EddyCodecs"]),
    .library(name: "EddyLoadGen", targets: ["EddyLoadGen"]),
    .executable(name: "echo-server", targets: ["echo-server"]),
    .executable(name: "loadgen", targets: ["loadgen"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
  ],
  targets: [
    .target(name: "CEddySystem", path: "Modules/CEddySystem"),
    .target(
      name: "EddyReactor",
      dependencies: [
        "CEddySystem",
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "Modules/EddyReactor",
      swiftSettings: strict
    ),
    .target(name: "EddyProtocols", path: "Modules/EddyProtocols", swiftSettings: strict),
    .target(
      name: "EddyTransports",
      dependencies: [
        "CEddySystem", "EddyReactor", "EddyProtocols",
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      path: "Modules/EddyTransports",
      swiftSettings: strict
    ),
    .target(
      name: "EddyTesting",
      dependencies: ["EddyProtocols"],
      path: "Modules/EddyTesting",
      swiftSettings: strict
    ),
    .systemLibrary(name: "CZlib", path: "Modules/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .target(
      name: "EddyCodecs",
      dependencies: ["CZlib", "EddyProtocols"],
      path: "Modules/EddyCodecs",
      swiftSettings: strict
    ),
    .target(name: "CEddyPacing", path: "Modules/CEddyPacing"),
    .target(
      name: "EddyLoadGen",
      dependencies: [
        "CEddyPacing", "EddyCodecs", "EddyReactor", "EddyProtocols", "EddyTransports",
        .product(name: "Histogram", package: "hdrhistogram-swift"),
      ],
      path: "Modules/EddyLoadGen",
      swiftSettings: strict
    ),
    .executableTarget(
      name: "echo-server",
      dependencies: [
        "EddyTransports",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Tools/echo-server",
      swiftSettings: strict
    ),
    .executableTarget(
      name: "loadgen",
      dependencies: [
        "EddyLoadGen", "EddyReactor",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Tools/loadgen",
      swiftSettings: strict
    ),
    .testTarget(
      name: "EddyLoadGenTests",
      dependencies: ["EddyLoadGen", "EddyCodecs", "EddyTransports"],
      path: "Tests/EddyLoadGenTests",
      swiftSettings: strict
    ),
    .testTarget(
      name: "EddyTransportsTests",
      dependencies: ["EddyTransports"],
      path: "Tests/EddyTransportsTests",
      swiftSettings: strict
    ),
    .testTarget(
      name: "EddyReactorTests",
      dependencies: ["EddyReactor"],
      path: "Tests/EddyReactorTests",
      swiftSettings: strict
    ),
    .testTarget(
      name: "EddyProtocolsTests",
      dependencies: ["EddyProtocols"],
      path: "Tests/EddyProtocolsTests",
      swiftSettings: strict
    ),
    .testTarget(
      name: "EddyTestingTests",
      dependencies: ["EddyTesting", "EddyProtocols"],
      path: "Tests/EddyTestingTests",
      swiftSettings: strict
    ),
    .testTarget(
      name: "EddyCodecsTests",
      dependencies: ["EddyCodecs", "EddyTesting", "EddyProtocols"],
      path: "Tests/EddyCodecsTests",
      swiftSettings: strict
    ),
  ]
)
