import Foundation
import Testing

/// Issue 10, part 2: the .deb that `make deb` builds installs on this machine, its
/// installed unit's command line runs from the installed files, and a purge leaves
/// nothing behind; its Depends covers every library the binary needs, so a host without
/// libvirt gets a dependency error instead of a binary that cannot start.
/// Run alone: `swift test --skip-build --filter DebianPackage` (it runs `ballast run`
/// against qemu:///system, so hold /work/guest.lock as for the other real-guest suites).
extension RealGuestTests {
    @Suite("Debian package: install, run the installed unit, purge")
    struct DebianPackage {
        static let unitPath = "/lib/systemd/system/ballast.service"

        @Test("lintian reports no errors on the package")
        func lintianHasNoErrors() async throws {
            let package = try DebianPackageFile.locate()
            let result = try await Shell.run("lintian", ["--fail-on", "error", "--display-info", package.path], timeout: 300)
            print("[deb] $ lintian --fail-on error --display-info \(URL(fileURLWithPath: package.path).lastPathComponent)\n\(result.stdout)\(result.stderr)")
            #expect(result.succeeded, "lintian found errors:\n\(result.stdout)\(result.stderr)")
            #expect(!result.stdout.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("E: ") })
        }

        @Test("Depends names the package of every library the binary needs")
        func dependsCoversEveryNeededLibrary() async throws {
            let package = try DebianPackageFile.locate()
            let root = try await package.extract(into: "\(try HarnessPaths.runDirectory("deb-depends"))/root")
            let needed = try await SharedLibraries.needed(by: "\(root)/usr/bin/ballast")
            try #require(!needed.isEmpty, "readelf found no NEEDED entry in the packaged binary")
            let depends = try await package.dependencyNames()
            var owners: [String: String] = [:]
            for library in needed { owners[library] = try await SharedLibraries.owningPackage(of: library) }
            print("[deb] Depends: \(try await package.field("Depends"))")
            print("[deb] NEEDED -> package: \(needed.map { "\($0) -> \(owners[$0] ?? "?")" }.joined(separator: ", "))")
            for library in needed {
                let owner = try #require(owners[library])
                #expect(depends.contains(owner), "\(library) comes from \(owner), which Depends does not name: \(depends.sorted())")
            }
            #expect(!needed.contains { $0.hasPrefix("libswift") || $0.hasPrefix("libFoundation") },
                    "the binary needs the Swift runtime as a shared library, which no Debian package provides: \(needed)")
        }

        @Test("bad input: installing on a host without libvirt0 is dpkg's dependency error, not a crash at start")
        func missingLibvirtIsADependencyError() async throws {
            let package = try DebianPackageFile.locate()
            let directory = try HarnessPaths.runDirectory("deb-no-libvirt")
            let admin = "\(directory)/admin", instdir = "\(directory)/root"
            for path in [admin, instdir] { try? FileManager.default.removeItem(atPath: path) }
            for sub in ["info", "updates", "triggers"] {
                try FileManager.default.createDirectory(atPath: "\(admin)/\(sub)", withIntermediateDirectories: true)
            }
            try FileManager.default.createDirectory(atPath: instdir, withIntermediateDirectories: true)
            // A host with every package Depends names, as installed here, except libvirt0.
            let kept = try await package.dependencyNames().subtracting(["libvirt0"])
            let status = try String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)
            let stanzas = status.components(separatedBy: "\n\n").filter { stanza in
                kept.contains { stanza.hasPrefix("Package: \($0)\n") }
            }
            try #require(stanzas.count >= kept.count, "not every package of Depends is installed here: \(kept.sorted())")
            try (stanzas.joined(separator: "\n\n") + "\n").write(toFile: "\(admin)/status", atomically: true, encoding: .utf8)
            try "".write(toFile: "\(admin)/available", atomically: true, encoding: .utf8)
            let result = try await Shell.run("dpkg", ["--admindir=\(admin)", "--instdir=\(instdir)", "--force-script-chrootless",
                                                      "--force-not-root", "--install", package.path], timeout: 120)
            let output = result.stdout + result.stderr
            print("[deb] dpkg --install on a host without libvirt0 (exit \(result.status)):\n\(output)")
            #expect(!result.succeeded, "dpkg installed the package on a host without libvirt0")
            #expect(output.contains("dependency problems") && output.contains("libvirt0"),
                    "dpkg's refusal does not name libvirt0 as an unmet dependency:\n\(output)")
        }

        @Test("install with apt, config check and the installed unit's ExecStart from the installed files, then purge leaves nothing")
        func installRunPurge() async throws {
            let package = try DebianPackageFile.locate()
            if try await Self.isInstalled() {
                // Left by an earlier run of this test that stopped half-way.
                try await Shell.run("dpkg", ["--purge", "ballast"], timeout: 120).check()
            }
            try #require(!FileManager.default.fileExists(atPath: "/etc/ballast"),
                         "/etc/ballast exists without the package (a source install?): the purge could not be judged; move it away")
            let files = try await package.installedFiles()
            for file in files {
                try #require(!FileManager.default.fileExists(atPath: file), "\(file) exists before the install; the test would not know who left it")
            }
            let install = try await Shell.run("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "--yes",
                                                      "--no-install-recommends", package.path], timeout: 600)
            do {
                try install.check()
                try await Self.checkInstalled(files: files)
                try await Self.runInstalledUnit()
            } catch {
                _ = try? await Shell.run("dpkg", ["--purge", "ballast"], timeout: 120)
                throw error
            }
            let purge = try await Shell.run("dpkg", ["--purge", "ballast"], timeout: 120)
            #expect(purge.succeeded, "dpkg --purge failed:\n\(purge.stdout)\(purge.stderr)")
            let left = files.filter { FileManager.default.fileExists(atPath: $0) }
            #expect(left.isEmpty, "the purge left files of the package: \(left)")
            #expect(!FileManager.default.fileExists(atPath: "/etc/ballast"), "the purge left /etc/ballast")
            #expect(try await !Self.isInstalled(), "dpkg still knows the package after the purge")
            print("[deb] purged: none of the \(files.count) files of the package, nor /etc/ballast, is left")
        }

        private static func isInstalled() async throws -> Bool {
            let status = try await Shell.run("dpkg-query", ["--show", "--showformat=${db:Status-Status}", "ballast"])
            return status.succeeded && !status.stdout.isEmpty && status.stdout != "not-installed"
        }

        /// Every file in place, the config a conffile in dry-run mode, and `config check` passes on it.
        private static func checkInstalled(files: [String]) async throws {
            for file in files { #expect(FileManager.default.fileExists(atPath: file), "\(file) is not installed") }
            let conffiles = try await Shell.run("dpkg-query", ["--show", "--showformat=${Conffiles}", "ballast"]).check().stdout
            #expect(conffiles.contains("/etc/ballast/ballast.toml"), "the config is not a conffile: \(conffiles)")
            let config = try String(contentsOfFile: "/etc/ballast/ballast.toml", encoding: .utf8)
            #expect(config.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("dry_run = true") },
                    "the installed config does not start in dry_run = true")
            let check = try await Shell.run("/usr/bin/ballast", ["config", "check", "/etc/ballast/ballast.toml"])
            print("[deb] $ ballast config check /etc/ballast/ballast.toml (exit \(check.status))\n\(check.stdout)\(check.stderr)")
            #expect(check.succeeded)
            // The README's next step: `ballast doctor` with no option checks the installed config.
            let doctor = try await Shell.run("/usr/bin/ballast", ["doctor"], timeout: 180)
            print("[deb] $ ballast doctor (exit \(doctor.status))\n\(doctor.stdout)\(doctor.stderr)")
            #expect((0...2).contains(doctor.status), "ballast doctor ended with \(doctor.status), not a verdict")
            #expect(doctor.stdout.contains("/etc/ballast/ballast.toml is valid"),
                    "ballast doctor did not check the installed config:\n\(doctor.stdout)")
            #expect(doctor.stdout.contains("libvirtd answers at qemu:///system"))
            let manual = try await Shell.run("bash", ["-c", "zcat /usr/share/man/man1/ballast.1.gz | grep -c '^\\.Sh'"])
            #expect(manual.succeeded, "the man page has no sections")
            let bash = try await Shell.run("bash", ["-n", "/usr/share/bash-completion/completions/ballast"])
            #expect(bash.succeeded, "the bash completion does not parse: \(bash.stderr)")
        }

        /// The installed unit's ExecStartPre and ExecStart, word for word (the installed
        /// binary and config: dry run, port 9477), against this machine's libvirt.
        private static func runInstalledUnit() async throws {
            let unit = try UnitCommandLine(unitPath: unitPath)
            let before = try await Shell.run("curl", ["-s", "--max-time", "2", "http://127.0.0.1:9477/healthz"], timeout: 10)
            try #require(!before.succeeded, "something already answers on 127.0.0.1:9477, the installed config's port: \(before.stdout)")
            _ = try await unit.runPreStart()
            let daemon = try BallastDaemonProcess(scenario: "deb-installed-unit", executable: unit.start.executable,
                                                  arguments: unit.start.arguments)
            let port = try await daemon.listenPort()
            #expect(port == 9477, "the installed config's listen port is 9477; the daemon listens on \(port)")
            try await eventually("a tick on the installed unit's daemon", within: 60, hint: "log: \(daemon.logPath)") {
                await DaemonState.fetch(port: port)?.tick != nil
            }
            let state = try #require(await DaemonState.fetch(port: port))
            #expect(state.backend?.kind == "libvirt" && state.backend?.simulated == false,
                    "the installed unit does not balance libvirt: \(String(describing: state.backend))")
            #expect(!daemon.logLines(containing: "ballast running", "dry_run").filter { $0.contains("true") }.isEmpty,
                    "the installed unit does not run in dry-run mode:\n\(daemon.log)")
            print("""
                [deb] installed unit: $ \((unit.preStart + [unit.start]).map { $0.words.joined(separator: " ") }.joined(separator: "\n[deb]                 $ "))
                [deb] its log:
                \(daemon.log.split(whereSeparator: \.isNewline).prefix(6).joined(separator: "\n"))
                """)
            #expect(daemon.isRunning)
            #expect(try await daemon.stop() == 0)
        }
    }
}
