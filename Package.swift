// swift-tools-version: 6.2
// Moat — a model checker for hypervisor isolation on Intel VT-x.
// Target boundaries follow shared/DESIGN.md: only SMT touches Z3 (through CZ3);
// Checker and Machine never import each other.

import PackageDescription

let package = Package(
    name: "Moat",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "moat", targets: ["moat"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "SMT", targets: ["SMT"]),
        .library(name: "Machine", targets: ["Machine"]),
        .library(name: "Checker", targets: ["Checker"]),
        .library(name: "Report", targets: ["Report"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZ3",
            pkgConfig: "z3",
            providers: [.apt(["libz3-dev"]), .brew(["z3"])]
        ),
        .target(
            name: "SMT",
            dependencies: ["CZ3"],
            swiftSettings: [.strictMemorySafety()]
        ),
        .target(name: "Platform"),
        .target(name: "Machine", dependencies: ["Platform"]),
        .target(name: "Checker", dependencies: ["Platform", "SMT"]),
        .target(name: "Report", dependencies: ["Platform"]),
        .executableTarget(
            name: "moat",
            dependencies: [
                "Platform", "Machine", "Checker", "Report", "SMT",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "moat-bench",
            dependencies: ["Platform", "Machine", "Checker", "SMT"],
            path: "Benchmarks/moat-bench"
        ),
        .testTarget(name: "SMTTests", dependencies: ["SMT"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "MachineTests", dependencies: ["Machine", "Platform"]),
        .testTarget(name: "CheckerTests", dependencies: ["Checker", "Platform", "SMT"]),
        .testTarget(name: "DifferentialTests", dependencies: ["Checker", "Machine", "Platform"], exclude: ["Findings", "Fixed"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Platform"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["moat"],
            exclude: ["Inputs"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer target exists only when MOAT_FUZZ is set, so that a plain `swift build`
// (which does not link libFuzzer's main) keeps working. See docs/fuzzing.md.
if Context.environment["MOAT_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(name: "MoatFuzz", dependencies: ["Platform"], path: "Fuzz/MoatFuzz")
    )
    package.products.append(.executable(name: "MoatFuzz", targets: ["MoatFuzz"]))
}
