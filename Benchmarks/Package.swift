// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let dependencies: [Package.Dependency] = [
  .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0"),
  .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.0.0"),
]

let targets: [Target] = [
  .executableTarget(
    name: "NIOEchoServer",
    dependencies: [
      .product(name: "NIOCore", package: "swift-nio"),
      .product(name: "NIOPosix", package: "swift-nio"),
      .product(name: "NIOExtras", package: "swift-nio-extras"),
    ],
    path: "Sources/NIOEchoServer",
    swiftSettings: strict
  ),
  .executableTarget(name: "CEchoServer", path: "Sources/CEchoServer"),
]

let package = Package(
  name: "EddyBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: dependencies,
  targets: targets
)
