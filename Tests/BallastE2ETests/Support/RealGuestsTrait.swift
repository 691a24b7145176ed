import Testing

/// Brings the real-guest environment up once around the whole e2e suite and tears it
/// down afterwards, also when a test fails: libvirtd and virtlogd (scripts/libvirt/up.sh),
/// the guest image (guest/build.sh), no leftover ballast-e2e- guests; at the end every
/// ballast-e2e- guest is removed and the daemons this harness started are stopped
/// (kept running when BALLAST_E2E_KEEP_DAEMONS=1, for quick re-runs or when other work on
/// the machine uses the same libvirtd).
struct RealGuestsTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        do {
            try await Shell.run("bash", [HarnessPaths.upScript], timeout: 600).check()
            try await Shell.run("bash", [HarnessPaths.buildGuestScript], timeout: 600).check()
            try await Self.removeGuests()
            try await function()
        } catch {
            await Self.tearDown()
            throw error
        }
        await Self.tearDown()
    }

    /// Removes leftover guests: every ballast-e2e- guest (`guest.sh cleanup`), or only those
    /// starting with BALLAST_E2E_CLEANUP_PREFIX when set (e.g. `ballast-e2e-step`, so that a
    /// run of one test leaves other work's guests on a shared libvirtd alone).
    static func removeGuests() async throws {
        let prefix = HarnessPaths.cleanupPrefix
        guard prefix != "ballast-e2e-" else {
            try await Shell.run("bash", [HarnessPaths.guestScript, "cleanup"], timeout: 120).check()
            return
        }
        guard prefix.hasPrefix("ballast-e2e-") else {
            throw HarnessError.unexpectedOutput(command: "BALLAST_E2E_CLEANUP_PREFIX",
                                                detail: "'\(prefix)' must start with ballast-e2e- (the harness removes only its own guests)")
        }
        let names = try await Virsh.run(["list", "--all", "--name"]).split(whereSeparator: \.isNewline)
        for name in names where name.hasPrefix(prefix) {
            try await Guests.script(["undefine", String(name)])
        }
    }

    static func tearDown() async {
        _ = try? await removeGuests()
        if HarnessPaths.environment["BALLAST_E2E_KEEP_DAEMONS"] != "1" {
            _ = try? await Shell.run("bash", [HarnessPaths.downScript], timeout: 60)
        }
    }
}

extension Trait where Self == RealGuestsTrait {
    /// Runs the suite against real libvirtd + QEMU guests (see docs/real-guests.md).
    static var realGuests: Self { Self() }
}
