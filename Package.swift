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
    .library(name: "EddyAsync", targets: ["EddyAsync"]),
    .executable(name: "echo-server", targets: ["echo-server"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
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
      name: "EddyAsync",
      dependencies: [
        "EddyReactor", "EddyProtocols", "EddyTransports",
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      path: "Modules/EddyAsync",
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
    .testTarget(
      name: "EddyTransportsTests",
      dependencies: ["EddyTransports"],
      path: "Tests/EddyTransportsTests",
      swiftSettings: strict
    ),
    .testTarget(
      name: "EddyAsyncTests",
      dependencies: ["EddyAsync"],
      path: "Tests/EddyAsyncTests",
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
  ]
)
