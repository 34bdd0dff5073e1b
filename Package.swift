// swift-tools-version:6.1
// Strata: a governed data-lake pipeline host. No package dependencies by design:
// the toolchain plus C system libraries from Debian's -dev packages (libyaml, zlib, libcrypto,
// and the Parquet codecs snappy, zstd and lz4), installed by scripts/setup. Database connectors sit
// behind package traits that are on by default (`Postgres`: libpq; `MySQL`: MariaDB Connector/C,
// which speaks to MySQL too); build without one with
// `swift build --disable-default-traits` (or `--traits` naming the ones to keep).
import PackageDescription

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
    ],
    traits: [
        .trait(name: "Postgres", description: "The postgres source, through libpq (libpq-dev)."),
        .trait(name: "MySQL", description: "The mysql source (MySQL and MariaDB), through MariaDB Connector/C (libmariadb-dev)."),
        .default(enabledTraits: ["Postgres", "MySQL"]),
    ],
    targets: [
        .systemLibrary(name: "CYaml", path: "Sources/CYaml", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", pkgConfig: "snappy",
                       providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLz4", path: "Sources/CLz4", pkgConfig: "liblz4",
                       providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMariaDB", path: "Sources/CMariaDB", pkgConfig: "libmariadb",
                       providers: [.apt(["libmariadb-dev"])]),

        .target(name: "StrataCore"),
        .target(name: "StrataConfig", dependencies: ["StrataCore", "CYaml"]),
        .target(name: "StrataFormats", dependencies: ["StrataCore", "CZlib", "CSnappy", "CZstd", "CLz4"]),
        .target(name: "StrataGovernance", dependencies: ["StrataCore", "StrataConfig", "StrataFormats", "CCrypto"]),
        .target(name: "StrataPlugins", dependencies: ["StrataCore", "StrataConfig", "StrataFormats", "CCrypto",
                                                      .target(name: "CPostgres", condition: .when(traits: ["Postgres"])),
                                                      .target(name: "CMariaDB", condition: .when(traits: ["MySQL"]))]),
        // The only module that writes Delta log versions. Plugins do not depend on it, so a sink
        // cannot commit (or skip the audit record) by construction: it stages, the engine commits.
        .target(name: "StrataCommit", dependencies: ["StrataCore", "StrataFormats"]),
        .target(name: "StrataEngine", dependencies: ["StrataCore", "StrataConfig", "StrataFormats", "StrataCommit", "StrataGovernance", "StrataPlugins"]),
        .target(name: "StrataCLI", dependencies: ["StrataCore", "StrataConfig", "StrataFormats", "StrataGovernance", "StrataPlugins", "StrataEngine"]),
        .executableTarget(name: "strata", dependencies: ["StrataCLI"]),
        .target(name: "StrataTestSupport", dependencies: ["StrataCore", "StrataConfig", "StrataFormats", "StrataPlugins"]),

        .testTarget(name: "StrataCoreTests", dependencies: ["StrataCore", "StrataFormats", "StrataTestSupport"]),
        .testTarget(name: "StrataConfigTests", dependencies: ["StrataConfig", "StrataCore"]),
        .testTarget(name: "StrataFormatsTests", dependencies: ["StrataFormats", "StrataCommit", "StrataCore", "StrataTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "StrataGovernanceTests", dependencies: ["StrataGovernance", "StrataCore", "StrataFormats", "StrataTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "StrataPluginsTests", dependencies: ["StrataPlugins", "StrataCommit", "StrataCore", "StrataConfig", "StrataFormats", "StrataTestSupport"]),
        .testTarget(name: "StrataEngineTests", dependencies: ["StrataEngine", "StrataCommit", "StrataPlugins", "StrataCore", "StrataConfig", "StrataFormats", "StrataTestSupport"]),
        .testTarget(name: "StrataCLITests", dependencies: ["StrataCLI", "StrataCore", "StrataFormats", "StrataTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["StrataCore", "StrataFormats", "StrataTestSupport"]),
    ]
)
