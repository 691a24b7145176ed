import Foundation

/// One e2e guest as guest/guest.sh defines it. Names start with "ballast-e2e-".
struct GuestSpec: Sendable {
    var name: String
    var memoryMiB = 384
    var currentMiB: Int? = nil
    var vcpus = 2
    var currentVcpus = 1
    var shares: Int? = nil
    var workload = "idle"
    var noModules: String? = nil
    var metadataXML: String? = nil
    var extraCmdline: String? = nil
    /// Device variations for `ballast doctor`'s guests (guest/guest.sh's options).
    var initrd: String? = nil
    var statsPeriod = true
    var agentChannel = true
    var autodeflate = false
    var freePageReporting = false
    /// A virtio-mem device of this size on top of `memoryMiB` (then the boot memory),
    /// nothing plugged at start.
    var virtioMemMiB: Int? = nil

    init(_ name: String) { self.name = "ballast-e2e-\(name)" }

    func arguments(metadataFile: String?) -> [String] {
        var args = [name, "--memory", "\(memoryMiB)", "--vcpus", "\(vcpus)", "--current-vcpus", "\(currentVcpus)",
                    "--workload", workload]
        if let currentMiB { args += ["--current", "\(currentMiB)"] }
        if let shares { args += ["--shares", "\(shares)"] }
        if let noModules { args += ["--nomod", noModules] }
        if let metadataFile { args += ["--metadata-file", metadataFile] }
        if let extraCmdline { args += ["--cmdline-extra", extraCmdline] }
        if let initrd { args += ["--initrd", initrd] }
        if !statsPeriod { args.append("--no-stats-period") }
        if !agentChannel { args.append("--no-agent-channel") }
        if autodeflate { args.append("--autodeflate") }
        if freePageReporting { args.append("--free-page-reporting") }
        if let virtioMemMiB {
            args += ["--virtio-mem", "\(virtioMemMiB)"]
        }
        return args
    }
}

/// The guest's serial console, written by guest/init: BALLAST-READY, -STAT, -EVENT lines.
enum SerialLog {
    static func lines(_ guest: String) -> [String] {
        let text = (try? String(contentsOfFile: HarnessPaths.serialLog(guest), encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { $0.hasPrefix("BALLAST-") }
    }

    static func contains(_ guest: String, _ fragment: String) -> Bool {
        lines(guest).contains { $0.contains(fragment) }
    }

    /// Fields of the newest BALLAST-STAT line, e.g. ["memtotal_kib": "210468", "cpus": "1"].
    static func lastStat(_ guest: String) -> [String: String] {
        guard let line = lines(guest).last(where: { $0.hasPrefix("BALLAST-STAT") }) else { return [:] }
        var fields: [String: String] = [:]
        for part in line.split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        return fields
    }
}

/// Defines, boots and removes e2e guests through guest/guest.sh.
enum Guests {
    /// The longest a TCG boot to BALLAST-READY may take. Measured: 6-8 s on a quiet host,
    /// 10-50 s with load 14 on 2 cores, where one guest once printed nothing for 60 s.
    static let bootTimeout = 120

    @discardableResult
    static func script(_ arguments: [String], timeout: Double = 60) async throws -> CommandResult {
        try await Shell.run("bash", [HarnessPaths.guestScript] + arguments, timeout: timeout).check()
    }

    /// Defines and starts the guests, boots them in parallel and waits for each one's
    /// ready marker. Returns the seconds each took from start to ready.
    @discardableResult
    static func boot(_ specs: [GuestSpec]) async throws -> [String: Double] {
        for spec in specs {
            var metadataFile: String?
            if let xml = spec.metadataXML {
                let path = "\(try HarnessPaths.runDirectory("metadata"))/\(spec.name).xml"
                try xml.write(toFile: path, atomically: true, encoding: .utf8)
                metadataFile = path
            }
            try await script(["define"] + spec.arguments(metadataFile: metadataFile))
        }
        return try await withThrowingTaskGroup(of: (String, Double).self) { group in
            for spec in specs {
                group.addTask {
                    let start = Date()
                    try await script(["start", spec.name])
                    try await script(["wait-ready", spec.name, "\(bootTimeout)"], timeout: Double(bootTimeout) + 10)
                    try await waitForBalloonInflated(spec)
                    return (spec.name, Date().timeIntervalSince(start))
                }
            }
            var times: [String: Double] = [:]
            for try await (name, seconds) in group { times[name] = seconds }
            return times
        }
    }

    /// A guest defined below its maximum memory boots with all of it and inflates its
    /// balloon to its current size only after the driver loads, seconds after the ready
    /// marker under TCG. Until the balloon reaches that size the guest holds more than
    /// libvirt says, and a test sizing a fill from a reading taken then runs the guest out
    /// of memory as the balloon goes on inflating (CI: a 768 MiB guest at 512 MiB, filled
    /// 5 s after boot, panicked "System is deadlocked on memory"). Guests without the
    /// balloon driver have no balloon to wait for.
    static func waitForBalloonInflated(_ spec: GuestSpec) async throws {
        guard let currentMiB = spec.currentMiB, currentMiB < spec.memoryMiB,
              SerialLog.contains(spec.name, "name=virtio_balloon loaded=1") else { return }
        let targetKiB = UInt64(currentMiB) << 10
        // `virsh dommemstat` asks QEMU for the balloon's actual size; `domstats`'
        // `balloon.current` shows the target from the start (CI: it read 512 MiB while the
        // guest still had 598, and the guest panicked again).
        try await eventually("\(spec.name)'s balloon inflated to its current \(currentMiB) MiB", within: 60, every: 0.5) {
            let actual = try await Virsh.run(["dommemstat", spec.name]).split(separator: "\n")
                .first { $0.hasPrefix("actual ") }.flatMap { UInt64($0.dropFirst("actual ".count)) }
            return (actual ?? .max) <= targetKiB
        }
    }

    /// Destroys and undefines the guests; never throws (used on every exit path).
    static func remove(_ specs: [GuestSpec]) async {
        for spec in specs {
            _ = try? await Shell.run("bash", [HarnessPaths.guestScript, "undefine", spec.name], timeout: 60)
        }
    }
}

/// Boots `specs`, runs `body`, and removes the guests whether `body` succeeded or not.
func withGuests<T>(_ specs: [GuestSpec], _ body: () async throws -> T) async throws -> T {
    do {
        try await Guests.boot(specs)
        let result = try await body()
        await Guests.remove(specs)
        return result
    } catch {
        await Guests.remove(specs)
        throw error
    }
}
