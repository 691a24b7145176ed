import BallastCore
import CLibvirt
#if canImport(Glibc)
import Glibc
#endif

/// Domain queries, run on the libvirt thread.
extension ConnectionState {
    static let bulkStats = VIR_DOMAIN_STATS_STATE.rawValue | VIR_DOMAIN_STATS_CPU_TOTAL.rawValue
        | VIR_DOMAIN_STATS_BALLOON.rawValue | VIR_DOMAIN_STATS_VCPU.rawValue

    func listDomains() throws(LibvirtError) -> [DomainSummary] {
        let operation = "virConnectListAllDomains"
        let connection = try require(operation)
        var domains: UnsafeMutablePointer<virDomainPtr?>?
        let count = virConnectListAllDomains(connection, &domains, 0)
        guard count >= 0, let domains else { throw failure(operation) }
        defer {
            for index in 0..<Int(count) { if let domain = domains[index] { virDomainFree(domain) } }
            free(domains)
        }
        var result: [DomainSummary] = []
        for index in 0..<Int(count) {
            guard let domain = domains[index] else { continue }
            var state: Int32 = 0
            var reason: Int32 = 0
            _ = virDomainGetState(domain, &state, &reason, 0)
            result.append(DomainSummary(uuid: Self.uuid(of: domain), name: Self.name(of: domain),
                                        id: Self.id(of: domain), state: DomainStatsParser.runState(Int64(state))))
        }
        return result
    }

    func allDomainStats() throws(LibvirtError) -> [DomainStats] {
        try bulkRecords(Self.bulkStats, "virConnectGetAllDomainStats(state,cpu-total,balloon,vcpu; active)") {
            domain, stats throws(LibvirtError) in
            do throws(LibvirtError) {
                try fillMissing(domain, &stats)
            } catch where error.isNoDomain {
                return false // stopped between the bulk call and now: gone at this sample
            }
            return true
        }
    }

    /// Balloon statistics of the active domains, nothing else and no per-domain fallback.
    func balloonStats() throws(LibvirtError) -> [DomainStats] {
        try bulkRecords(VIR_DOMAIN_STATS_BALLOON.rawValue, "virConnectGetAllDomainStats(balloon; active)") { _, _ in true }
    }

    /// One bulk `virConnectGetAllDomainStats` of the active domains for `groups`, each record
    /// parsed and handed to `complete` with its domain (valid during the call), which may
    /// add to it and says whether to keep it.
    private func bulkRecords(_ groups: UInt32, _ operation: String,
                           _ complete: (OpaquePointer, inout DomainStats) throws(LibvirtError) -> Bool)
        throws(LibvirtError) -> [DomainStats] {
        let connection = try require(operation)
        var records: UnsafeMutablePointer<virDomainStatsRecordPtr?>?
        let count = virConnectGetAllDomainStats(connection, groups, &records,
                                                VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE.rawValue)
        guard count >= 0, let records else { throw failure(operation) }
        defer { virDomainStatsRecordListFree(records) }
        var result: [DomainStats] = []
        result.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            guard let record = records[index], let domain = record.pointee.dom else { continue }
            var stats = DomainStats(uuid: Self.uuid(of: domain), name: Self.name(of: domain), id: Self.id(of: domain))
            DomainStatsParser.parse(UnsafeBufferPointer(start: record.pointee.params,
                                                        count: Int(record.pointee.nparams)), into: &stats)
            if try complete(domain, &stats) { result.append(stats) }
        }
        return result
    }

    /// Per-domain fallback for what the bulk call did not report, plus scheduler parameters.
    private func fillMissing(_ domain: OpaquePointer, _ stats: inout DomainStats) throws(LibvirtError) {
        guard stats.state == .running || stats.state == .paused else { return }
        let bulkHadBalloon = stats.balloonCurrent != nil
        if stats.cpuTimeNanos == nil || stats.balloonCurrent == nil || stats.vcpuCurrent == nil {
            var info = virDomainInfo()
            if virDomainGetInfo(domain, &info) < 0 {
                let error = failure("virDomainGetInfo(\(stats.name))")
                if error.isNoDomain || error.connectionLost { throw error }
                stats.notes.append("\(error)")
            } else {
                stats.cpuTimeNanos = stats.cpuTimeNanos ?? info.cpuTime
                stats.balloonCurrent = stats.balloonCurrent ?? UInt64(info.memory) * 1024
                stats.balloonMaximum = stats.balloonMaximum ?? UInt64(info.maxMem) * 1024
                stats.vcpuCurrent = stats.vcpuCurrent ?? vcpus(domain, maximum: false) ?? Int(info.nrVirtCpu)
            }
        }
        if stats.vcpuMaximum == nil {
            stats.vcpuMaximum = vcpus(domain, maximum: true) ?? stats.vcpuCurrent
        }
        if !bulkHadBalloon { memoryStats(domain, &stats) }
        do {
            stats.scheduler = try schedulerParameters(domain, uuid: stats.name)
        } catch {
            if error.isNoDomain || error.connectionLost { throw error }
            stats.notes.append("\(error)")
        }
    }

    private func vcpus(_ domain: OpaquePointer, maximum: Bool) -> Int? {
        var flags = UInt32(VIR_DOMAIN_AFFECT_LIVE.rawValue)
        if maximum { flags |= UInt32(VIR_DOMAIN_VCPU_MAXIMUM.rawValue) }
        let count = virDomainGetVcpusFlags(domain, flags)
        if count < 0 {
            virResetLastError()
            return nil
        }
        return Int(count)
    }

    /// `virDomainMemoryStats`: the guest's balloon statistics (KiB) and the process RSS.
    private func memoryStats(_ domain: OpaquePointer, _ stats: inout DomainStats) {
        let capacity = Int(VIR_DOMAIN_MEMORY_STAT_NR.rawValue)
        var entries = [virDomainMemoryStatStruct](repeating: virDomainMemoryStatStruct(), count: capacity)
        let count = virDomainMemoryStats(domain, &entries, UInt32(capacity), 0)
        guard count >= 0 else {
            stats.notes.append("\(failure("virDomainMemoryStats(\(stats.name))"))")
            return
        }
        for entry in entries.prefix(Int(count)) {
            let kib = entry.val &* 1024
            switch UInt32(bitPattern: entry.tag) {
            case VIR_DOMAIN_MEMORY_STAT_SWAP_IN.rawValue: stats.balloon.swapIn = kib
            case VIR_DOMAIN_MEMORY_STAT_SWAP_OUT.rawValue: stats.balloon.swapOut = kib
            case VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT.rawValue: stats.balloon.majorFaults = entry.val
            case VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT.rawValue: stats.balloon.minorFaults = entry.val
            case VIR_DOMAIN_MEMORY_STAT_UNUSED.rawValue: stats.balloon.unused = kib
            case VIR_DOMAIN_MEMORY_STAT_AVAILABLE.rawValue: stats.balloon.available = kib
            case VIR_DOMAIN_MEMORY_STAT_USABLE.rawValue: stats.balloon.usable = kib
            case VIR_DOMAIN_MEMORY_STAT_DISK_CACHES.rawValue: stats.balloon.diskCaches = kib
            case VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE.rawValue: stats.balloon.lastUpdate = Double(entry.val)
            case VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON.rawValue: stats.balloonCurrent = kib
            case VIR_DOMAIN_MEMORY_STAT_RSS.rawValue: stats.rss = kib
            default: break
            }
        }
    }

    func schedulerParameters(_ domain: OpaquePointer, uuid: String) throws(LibvirtError) -> SchedulerParameters {
        var count: Int32 = 0
        guard let type = virDomainGetSchedulerType(domain, &count) else {
            throw failure("virDomainGetSchedulerType(\(uuid))")
        }
        free(type)
        guard count > 0 else { return SchedulerParameters() }
        let parameters = UnsafeMutablePointer<virTypedParameter>.allocate(capacity: Int(count))
        parameters.initialize(repeating: virTypedParameter(), count: Int(count))
        defer {
            virTypedParamsClear(parameters, count)
            parameters.deallocate()
        }
        if virDomainGetSchedulerParametersFlags(domain, parameters, &count, UInt32(VIR_DOMAIN_AFFECT_LIVE.rawValue)) < 0 {
            throw failure("virDomainGetSchedulerParametersFlags(\(uuid), live)")
        }
        var result = SchedulerParameters()
        forEachTypedParameter(UnsafeBufferPointer(start: parameters, count: Int(count))) { name, value in
            switch name {
            case "cpu_shares": result.cpuShares = value.unsigned
            case "vcpu_quota": result.vcpuQuota = value.signed
            case "vcpu_period": result.vcpuPeriod = value.unsigned
            default: break
            }
        }
        return result
    }

    func domainXML(uuid: String, inactive: Bool) throws(LibvirtError) -> String {
        let operation = "virDomainGetXMLDesc(\(uuid)\(inactive ? ", inactive" : ""))"
        let flags = inactive ? UInt32(VIR_DOMAIN_XML_INACTIVE.rawValue) : 0
        return try withDomain(uuid, operation) { domain throws(LibvirtError) in
            guard let text = virDomainGetXMLDesc(domain, flags) else { throw failure(operation) }
            defer { free(text) }
            return String(cString: text)
        }
    }

    static func uuid(of domain: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        guard virDomainGetUUIDString(domain, &buffer) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).lowercased()
    }

    static func name(of domain: OpaquePointer) -> String {
        virDomainGetName(domain).map { String(cString: $0) } ?? ""
    }

    static func id(of domain: OpaquePointer) -> Int {
        let id = virDomainGetID(domain)
        return id == UInt32.max ? -1 : Int(id)
    }
}
