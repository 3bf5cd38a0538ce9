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
  ],
  dependencies: [
    .package(name: "Eddy", path: ".."),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
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
