import BallastCore
import BallastLogging
import BallastPlugins
import FoundationEssentials

/// Reads and validates `ballast.toml`. Every problem is reported with the file,
/// line and key; unknown keys are errors. The README's "Configuration" section
/// documents every key this accepts.
public enum ConfigLoader {
    /// Loads a config file from disk.
    public static func load(path: String) throws(ConfigError) -> BallastConfig {
        let text: String
        do {
            text = try TextFile.text(at: path)
        } catch {
            throw ConfigError(issues: [ConfigIssue(
                file: path, line: nil, key: "",
                message: "cannot read the file (\(error)); check the path and permissions")])
        }
        return try parse(text, file: path)
    }

    /// Parses config text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> BallastConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigError(issues: [ConfigIssue(
                file: file, line: error.line, key: "",
                message: "TOML syntax error at column \(error.column): \(error.message)")])
        }
        let context = LoadContext(file: file, text: text)
        let config = read(TableReader(table: root, path: [], context: context))
        if !context.issues.isEmpty { throw ConfigError(issues: context.issues) }
        return config
    }

    private static func read(_ top: TableReader) -> BallastConfig {
        var config = BallastConfig()
        var settings = config.balancer
        if let interval = top.seconds("interval", in: 0.05...3600) { settings.interval = interval }
        if let listen = top.string("listen") {
            if ListenAddress(listen) == nil {
                top.report("listen", "must be HOST:PORT such as \"127.0.0.1:9477\"")
            } else {
                config.listen = listen
            }
        }
        if let format = top.string("log_format") {
            if let parsed = LogFormat(rawValue: format) { config.logFormat = parsed } else {
                top.report("log_format", "must be \"text\" or \"json\", found \"\(format)\"")
            }
        }
        if let connect = top.string("connect") { config.connect = connect }
        if let dryRun = top.bool("dry_run") { settings.governor.dryRun = dryRun }
        readSafety(top, into: &config)

        if let host = top.child("host") {
            if let cpu = host.integer("reserve_cpu_millicores", in: 0...10_000_000) { settings.hostReserve.cpu = cpu }
            if let memory = host.bytes("reserve_memory") { settings.hostReserve.memory = memory }
            let guestCPU = host.integer("guest_cpu_millicores", in: 1...10_000_000)
            let guestMemory = host.bytes("guest_memory")
            if guestCPU != nil || guestMemory != nil {
                settings.guestCapacityLimit = ResourceVector(cpu: guestCPU ?? Int.max, memory: guestMemory ?? UInt64.max)
            }
            host.finish()
        }
        if let estimator = top.child("estimator") {
            if let v = estimator.seconds("rise_half_life") { settings.estimator.riseHalfLife = v }
            if let v = estimator.seconds("fall_half_life") { settings.estimator.fallHalfLife = v }
            if let v = estimator.number("probe_factor", in: 1...10) { settings.estimator.probeFactor = v }
            readEstimatorTuning(estimator, into: &settings.estimator)
            estimator.finish()
        }
        let allocator = top.child("allocator")
        if let allocator {
            if let v = allocator.number("idle_memory_tax", in: 0...0.99) { settings.allocator.idleMemoryTax = v }
            if let v = allocator.bool("distribute_surplus") { settings.allocator.distributeSurplus = v }
        }
        readCPUEnforcement(allocator, into: &settings)
        allocator?.finish()
        if let governor = top.child("governor") {
            if let v = governor.bytes("memory_margin") { settings.governor.memoryMarginBytes = v }
            if let v = governor.number("memory_margin_fraction", in: 0...1) { settings.governor.memoryMarginFraction = v }
            if let v = governor.number("max_shrink_fraction", in: 0.001...1) { settings.governor.maxShrinkFraction = v }
            if let v = governor.bytes("min_memory_change") { settings.governor.minMemoryChange = v }
            if let v = governor.number("min_growth_past_need_fraction", in: 0...1) {
                settings.governor.minGrowthPastNeedFraction = v
            }
            if let v = governor.integer("min_cpu_change_millicores", in: 0...1_000_000) { settings.governor.minCPUChange = v }
            if let v = governor.seconds("vcpu_cooldown") { settings.governor.vcpuCooldown = v }
            if let v = governor.number("emergency_free_fraction", in: 0...0.5) { settings.governor.emergencyFreeFraction = v }
            governor.finish()
        }
        if let events = top.child("events") {
            readEvents(events, into: &settings.events)
        }
        if let ksm = top.child("ksm") {
            readKSM(ksm, into: &config.ksm)
        }
        if let vms = top.child("vm") {
            config.vmOverrides = vms.subtables().map(readOverride)
        }
        config.plugins = top.tableArray("plugin").compactMap(readPlugin)
        let names = config.plugins.map(\.name)
        for name in Set(names) where names.filter({ $0 == name }).count > 1 {
            top.report("plugin", "two plugins are named \"\(name)\"; names must be unique")
        }
        top.finish()
        config.balancer = settings
        return config
    }

    /// `[events]`: libvirt events, pressure triggers and urgent ticks (docs/configuration.md).
    private static func readEvents(_ table: TableReader, into events: inout EventSettings) {
        if let v = table.bool("enabled") { events.enabled = v }
        if let v = table.number("max_urgent_ticks_per_second", in: 0...100) { events.maxUrgentTicksPerSecond = v }
        // PSI triggers: the kernel takes windows of 0.5-10 s and a stall below the window.
        let window = table.integer("pressure_window_ms", in: 500...10_000)
        if let window { events.pressureWindow = UInt64(window) * 1000 }
        if let v = table.integer("host_memory_pressure_ms", in: 0...10_000) { events.hostMemoryPressureStall = UInt64(v) * 1000 }
        if let v = table.integer("vm_memory_pressure_ms", in: 0...10_000) { events.vmMemoryPressureStall = UInt64(v) * 1000 }
        for (key, stall) in [("host_memory_pressure_ms", events.hostMemoryPressureStall),
                             ("vm_memory_pressure_ms", events.vmMemoryPressureStall)] where stall >= events.pressureWindow {
            table.report(key, "must be below pressure_window_ms (\(events.pressureWindow / 1000) ms): a stall is part of its window")
        }
        if let v = table.seconds("balloon_watch_interval", in: 0.25...60) { events.balloonWatchInterval = v }
        table.finish()
    }

    /// `on_stop`, `stop_timeout`, `allow_remote` and `lock_dir` (docs/configuration.md, "Safety").
    private static func readSafety(_ top: TableReader, into config: inout BallastConfig) {
        if let onStop = top.string("on_stop") {
            if let action = StopPolicy.Action(rawValue: onStop) { config.onStop.action = action } else {
                top.report("on_stop", "must be \"keep\" or \"release\", found \"\(onStop)\"")
            }
        }
        if let timeout = top.seconds("stop_timeout", in: 0.1...600) { config.onStop.timeout = timeout }
        if let allow = top.bool("allow_remote") { config.allowRemote = allow }
        if let refusal = ListenExposure.refusal(listen: config.listen, allowRemote: config.allowRemote) {
            top.report("listen", refusal)
        }
        if let directory = top.string("lock_dir") {
            if directory.hasPrefix("/") { config.lockDirectory = directory } else {
                top.report("lock_dir", "must be an absolute path such as \"/run/ballast\", found \"\(directory)\"")
            }
        }
    }

    /// `[estimator.prediction]` (docs/core.md, "Prediction").
    private static func readPrediction(_ table: TableReader, into prediction: inout PredictionSettings) {
        if let v = table.bool("enabled") { prediction.enabled = v }
        if let v = table.bool("cpu") { prediction.cpu = v }
        if let v = table.number("sigmas", in: 0...10) { prediction.sigmas = v }
        if let v = table.seconds("recent_half_life", in: 10...86_400) { prediction.recentHalfLife = v }
        if let v = table.seconds("minimum_recent", in: 0...86_400) { prediction.minimumRecent = v }
        if let v = table.integer("minimum_days", in: 1...365) { prediction.minimumDays = v }
        if let v = table.seconds("lookahead", in: 0...86_400) { prediction.lookahead = v }
    }

    /// The estimator's finer settings (docs/core.md explains each; the defaults suit most hosts).
    private static func readEstimatorTuning(_ table: TableReader, into estimator: inout EstimatorSettings) {
        if let v = table.seconds("cpu_fall_half_life") { estimator.cpuFallHalfLife = v }
        if let v = table.number("memory_probe_factor", in: 1...10) { estimator.memoryProbeFactor = v }
        if let v = table.number("throttle_threshold", in: 0...1) { estimator.throttleThreshold = v }
        if let v = table.integer("cpu_unmet_threshold_millicores", in: 0...1_000_000) { estimator.cpuUnmetThreshold = v }
        if let v = table.number("pressure_threshold", in: 0...100) { estimator.pressureThreshold = v }
        if let v = table.number("cpu_headroom_fraction", in: 0...10) { estimator.cpuHeadroomFraction = v }
        if let v = table.number("memory_headroom_fraction", in: 0...10) { estimator.memoryHeadroomFraction = v }
        if let v = table.bytes("memory_headroom") { estimator.memoryHeadroomBytes = v }
        if let v = table.bytes("swap_threshold_per_second") { estimator.swapThreshold = Double(v) }
        if let v = table.number("major_fault_threshold", in: 0...1_000_000_000) { estimator.majorFaultThreshold = v }
        if let v = table.number("memory_full_fraction", in: 0...1) { estimator.memoryFullFraction = v }
        if let v = table.seconds("stale_stats_after") { estimator.staleStatsAfter = v }
        if let v = table.seconds("memory_growth_lookahead", in: 0...3600) { estimator.memoryGrowthLookahead = v }
        if let prediction = table.child("prediction") {
            readPrediction(prediction, into: &estimator.prediction)
            prediction.finish()
        }
    }

    private static func readOverride(_ pattern: String, _ table: TableReader) -> VMOverride {
        var override = VMOverride(pattern: pattern)
        override.cpuShares = table.integer("cpu_shares", in: Int(CPUWeight.range.lowerBound)...Int(CPUWeight.range.upperBound))
            .flatMap { CPUWeight(exactly: $0) }
        override.memoryShares = table.integer("memory_shares", in: 1...262_144).map(UInt32.init)
        override.reservationCPU = table.integer("reservation_cpu_millicores", in: 0...10_000_000)
        override.reservationMemory = table.bytes("reservation_memory")
        override.limitCPU = table.integer("limit_cpu_millicores", in: 1...10_000_000)
        override.limitMemory = table.bytes("limit_memory")
        override.floorMemory = table.bytes("floor_memory")
        override.ceilingMemory = table.bytes("ceiling_memory")
        override.optOut = table.bool("opt_out")
        if let floor = override.floorMemory, let ceiling = override.ceilingMemory, floor > ceiling {
            table.report("floor_memory", "is above ceiling_memory; the floor must not exceed the ceiling")
        }
        if let reservation = override.reservationMemory, let limit = override.limitMemory, reservation > limit {
            table.report("reservation_memory", "is above limit_memory; a VM cannot be guaranteed more than its cap")
        }
        table.finish()
        return override
    }

    private static func readPlugin(_ table: TableReader) -> PluginConfiguration? {
        let name = table.string("name")
        let command = table.stringArray("command")
        if name == nil { table.report("name", "is required: a short unique name for logs and metrics") }
        if command?.isEmpty ?? true {
            table.report("command", "is required: the program and its arguments, e.g. [\"/usr/bin/python3\", \"plugin.py\"]")
        }
        let workingDirectory = table.string("working_directory")
        let environment = table.stringArray("environment") ?? []
        let user = table.string("user")
        let group = table.string("group")
        let deadline = table.integer("deadline_ms", in: 1...60_000)
        let options = table.json("options") ?? .object(JSONObject())
        table.finish()
        guard let name, !name.isEmpty, let command, !command.isEmpty else { return nil }
        do {
            let configuration = PluginConfiguration(
                name: name, command: command, workingDirectory: workingDirectory, environment: environment,
                user: user, group: group,
                deadline: deadline.map { Double($0) / 1000 } ?? PluginConfiguration.defaultDeadline, options: options)
            try configuration.validate()
            return configuration
        } catch {
            table.report("name", "\(error)")
            return nil
        }
    }
}
