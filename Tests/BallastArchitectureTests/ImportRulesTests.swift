import Testing

/// The arrows of docs/architecture.md, checked: every target imports only what its row in
/// `ImportRules` allows, Package.swift declares nothing outside it, and the document's
/// table says the same as the rules.
@Suite("Target import rules")
struct ImportRulesTests {
    static let filesByTarget = (try? PackageLayout.swiftFilesByTarget()) ?? [:]

    @Test("Sources/ is found and every target with Swift files has a row, and every row a target")
    func everyTargetHasARow() {
        #expect(Self.filesByTarget["BallastCore"] != nil, "no Swift files found under \(PackageLayout.root.path)/Sources")
        for target in Self.filesByTarget.keys.sorted() {
            #expect(ImportRules.rows[target] != nil,
                    "Sources/\(target) has no row in ImportRules.rows: add the modules it may import there and in docs/architecture.md")
        }
        for target in ImportRules.rows.keys.sorted() {
            #expect(Self.filesByTarget[target] != nil, "ImportRules.rows names \(target), which has no Swift files under Sources/")
        }
    }

    @Test("each target imports only modules its row allows", arguments: ImportRules.rows.keys.sorted())
    func importsStayInsideTheAllowedSet(target: String) throws {
        let allowed = try #require(ImportRules.allowedModules(for: target))
        for file in Self.filesByTarget[target] ?? [] {
            for found in ImportScanner.imports(in: try PackageLayout.text(file)) where !allowed.contains(found.module) {
                Issue.record("""
                    \(file):\(found.line) imports \(found.module), outside what \(target) may import: \
                    \(allowed.sorted().joined(separator: ", ")) (ImportRules.rows; docs/architecture.md)
                    """)
            }
        }
    }

    @Test("Package.swift declares no dependency a target may not import, and every package module imported is declared")
    func manifestAgrees() throws {
        let declared = ManifestDependencies.parse(try PackageLayout.text("Package.swift"))
        let packageModules = Set(declared.keys).union(declared.values.joined())
        for target in ImportRules.rows.keys.sorted() {
            let allowed = try #require(ImportRules.allowedModules(for: target))
            let dependencies = try #require(declared[target], "Package.swift has no target named \(target)")
            for dependency in dependencies.sorted() where !allowed.contains(dependency) {
                Issue.record("""
                    Package.swift gives \(target) the dependency \(dependency), outside what it may import: \
                    \(allowed.sorted().joined(separator: ", "))
                    """)
            }
            for file in Self.filesByTarget[target] ?? [] {
                for found in ImportScanner.imports(in: try PackageLayout.text(file))
                where packageModules.contains(found.module) && !dependencies.contains(found.module) {
                    Issue.record("""
                        \(file):\(found.line) imports \(found.module), which Package.swift does not list \
                        among \(target)'s dependencies (it only builds because another target brings it in)
                        """)
                }
            }
        }
    }

    @Test("docs/architecture.md's target table lists the same imports as ImportRules.rows")
    func documentMirrorsTheRules() throws {
        let documented = ArchitectureDocument.importColumns(try PackageLayout.text("docs/architecture.md"))
        for (target, row) in ImportRules.rows.sorted(by: { $0.key < $1.key }) {
            #expect(documented[target] == row, """
                docs/architecture.md says \(target) may import \(documented[target]?.sorted() ?? []), \
                ImportRules.rows says \(row.sorted())
                """)
        }
        for target in documented.keys.sorted() where ImportRules.rows[target] == nil {
            Issue.record("docs/architecture.md has a row for \(target), ImportRules.rows has none")
        }
    }
}

/// The scanner must see every way an import can be written, or a forbidden import slips by.
@Suite("Import scanner")
struct ImportScannerTests {
    @Test func readsEveryFormOfImport() {
        let source = """
            import Alpha
            @preconcurrency import Beta
            @_implementationOnly import Gamma
            import struct Delta.Thing
            public import Epsilon
            #if canImport(Zeta)
                import Zeta
            #endif
            @_spi(Private) @testable import Eta.Sub
            """
        #expect(ImportScanner.imports(in: source).map(\.module)
                == ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta"])
        #expect(ImportScanner.imports(in: source).map(\.line) == [1, 2, 3, 4, 5, 7, 9])
    }

    @Test func ignoresCommentsAndLookalikes() {
        let source = """
            // import Commented
            /// import Documented
            let important = 1
            importAlpha()
            """
        #expect(ImportScanner.imports(in: source).isEmpty)
    }

    @Test func readsTheManifestsDependencyLists() {
        let manifest = """
            .target(name: "A", swiftSettings: s),
            .target(
                name: "B",
                dependencies: ["A", "CLib", .product(name: "Logging", package: "swift-log"),
                               .target(name: "C", condition: .when(platforms: [.linux]))],
                swiftSettings: s
            ),
            .testTarget(name: "BTests", dependencies: ["B"]),
            """
        #expect(ManifestDependencies.parse(manifest) == ["A": [], "B": ["A", "CLib", "Logging", "C"], "BTests": ["B"]])
    }
}
