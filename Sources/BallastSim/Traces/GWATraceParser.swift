import BallastCore

/// Parses Bitbrains GWA-T-12 files: `;`+TAB separated with a header row;
/// columns: timestamp (s), CPU cores, CPU capacity provisioned (MHz), CPU
/// usage (MHz), CPU usage (%), memory provisioned (KB), memory usage (KB), ...
/// Sizes come from the file itself, row by row: the first row's cores and
/// provisioned KB are the VM's size at the start, and each row whose capacity
/// differs from the previous row's is a resize event; usage is capped at the
/// capacity of its own row.
struct GWATraceParser {
    /// Sizes no VM has (libvirt's KVM maximum is 4096 vCPUs): a line claiming more is garbage,
    /// and converting it to an integer would trap.
    static let maximumCores = 1 << 16
    static let maximumMemory: UInt64 = 1 << 60

    func parse(text: String, path: String, name: String) -> (VMTrace?, [LoadDiagnostic]) {
        var diagnostics: [LoadDiagnostic] = []
        var times: [Double] = []
        var cpu: [Double] = []
        var memory: [Double] = []
        var vcpus = 0
        var configuredMemory: UInt64 = 0
        var resizes: [TraceResize] = []
        var rowVCPUs = 0
        var rowMemory: UInt64 = 0
        var lineNumber = 0
        var sawHeader = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingASCIIWhitespace()
            if line.isEmpty { continue }
            if !sawHeader {
                sawHeader = true
                if line.lowercased().hasPrefix("timestamp") { continue }
                diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                    message: "no 'Timestamp' header row; reading this line as data"))
            }
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingASCIIWhitespace() }
            guard fields.count >= 7 else {
                diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                    message: "expected at least 7 ';'-separated fields, found \(fields.count); line skipped"))
                continue
            }
            let indices = [0, 1, 2, 3, 5, 6]
            var values: [Double] = []
            for index in indices {
                guard let value = Double(fields[index]), value.isFinite, value >= 0 else {
                    diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                        message: "field \(index + 1) '\(fields[index].prefix(40))' is not a non-negative number; line skipped"))
                    break
                }
                values.append(value)
            }
            guard values.count == indices.count else { continue }
            let (time, cores, capacityMHz, usageMHz, memoryKB, usageKB) =
                (values[0], values[1], values[2], values[3], values[4], values[5])
            // Memory under one byte would size the VM at 0 bytes once converted.
            guard cores >= 1, capacityMHz > 0, memoryKB * 1024 >= 1 else {
                diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                    message: "zero cores, CPU capacity or memory capacity (under one byte); line skipped"))
                continue
            }
            guard cores <= Double(Self.maximumCores), memoryKB * 1024 <= Double(Self.maximumMemory) else {
                diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                    message: "\(cores) cores or \(memoryKB) KB of memory is too large for a VM "
                        + "(at most \(Self.maximumCores) cores and 2^60 bytes); line skipped"))
                continue
            }
            if let last = times.last, time <= last {
                diagnostics.append(LoadDiagnostic(path: path, line: lineNumber,
                    message: "timestamp \(time.decimalText(places: 0)) not after the previous one; line skipped"))
                continue
            }
            let coreCount = Int(min(cores, 4096))
            let capacity = UInt64(min(memoryKB * 1024, Double(UInt64.max / 2)))
            if vcpus == 0 {
                vcpus = coreCount
                configuredMemory = capacity
            } else if coreCount != rowVCPUs || capacity != rowMemory {
                resizes.append(TraceResize(time: time, vcpus: coreCount, memory: capacity))
            }
            (rowVCPUs, rowMemory) = (coreCount, capacity)
            let megahertzPerCore = capacityMHz / cores
            times.append(time)
            cpu.append(min(usageMHz / megahertzPerCore * 1000, Double(coreCount * 1000)))
            memory.append(min(usageKB * 1024, Double(capacity)))
        }
        guard times.count >= 2 else {
            diagnostics.append(LoadDiagnostic(path: path, line: 0,
                message: "only \(times.count) usable sample(s), need at least 2; file skipped"))
            return (nil, diagnostics)
        }
        return (VMTrace(name: name, vcpus: vcpus, memory: configuredMemory, times: times, cpu: cpu,
                        memoryDemand: memory, resizes: resizes), diagnostics)
    }
}
