import BallastCore

/// Reads a `DomainDefinition` from libvirt domain XML.
///
/// Uses libxml2 (through `XMLTree`) rather than a hand-written parser: the metadata element is found
/// by namespace URI (whatever prefix `virsh metadata` chose), entities and
/// character references are handled, and the XML is parsed only when it
/// changes, so its cost does not matter per tick.
///
/// Problems inside the document (a bad number, an unknown unit, malformed
/// Ballast metadata) never fail the parse: the field keeps its default and a
/// warning naming the domain and the field is returned.
public enum DomainXMLParser {
    public static func parse(_ xml: String, domainName: String) throws(DomainXMLError)
        -> (definition: DomainDefinition, warnings: [String]) {
        let root: XMLTree
        do {
            root = try XMLTree.parse(xml)
        } catch {
            throw DomainXMLError(domain: domainName, detail: "not well-formed XML (\(error.detail))")
        }
        guard root.localName == "domain" else {
            throw DomainXMLError(domain: domainName, detail: "root element is not <domain>")
        }
        var warnings: [String] = []
        let name = root.child("name")?.text.trimmedWhitespace ?? domainName
        var definition = DomainDefinition(name: name)
        let warn: (String) -> Void = { warnings.append("domain '\(name)': \($0)") }
        definition.uuid = root.child("uuid")?.text.trimmedWhitespace.lowercased()

        if let memory = root.child("memory") { definition.memory = size(memory, field: "<memory>", warn: warn) }
        if let current = root.child("currentMemory") {
            definition.currentMemory = size(current, field: "<currentMemory>", warn: warn)
        }
        if let vcpu = root.child("vcpu") {
            definition.maxVCPUs = positive(vcpu.text, field: "<vcpu>", maximum: maximumVCPUs, warn: warn)
            if let current = vcpu.attribute("current") {
                definition.currentVCPUs = positive(current, field: "<vcpu current=>", maximum: maximumVCPUs, warn: warn)
            }
        }
        if let shares = root.child("cputune")?.child("shares") {
            definition.cpuShares = positive(shares.text, field: "<cputune><shares>", warn: warn).flatMap { value in
                guard let weight = CPUWeight(exactly: value) else {
                    warn("<cputune><shares> \(value) is outside \(CPUWeight.rangeText); Ballast's default weight used")
                    return nil
                }
                return weight
            }
        }
        if let guarantee = root.child("memtune")?.child("min_guarantee") {
            definition.minGuarantee = size(guarantee, field: "<memtune><min_guarantee>", warn: warn)
        }
        definition.hugePages = root.child("memoryBacking")?.child("hugepages") != nil
        if let devices = root.child("devices") {
            definition.balloonModel = devices.child("memballoon").map { $0.attribute("model") ?? "" }
            definition.devices = DomainDevices.parse(devices, warn: warn)
            definition.memoryDeviceSizes = devices.children.lazy.filter { $0.localName == "memory" }
                .compactMap { $0.child("target")?.child("size") }
                .compactMap { size($0, field: "<memory><target><size>", warn: { _ in }) }
                .reduce(0) { $0 &+ $1 }
            var virtioMemWarning: String?
            definition.virtioMem = VirtioMemDevice.parse(devices) { warning in
                virtioMemWarning = warning
                warn(warning)
            }
            if definition.virtioMem == nil { definition.virtioMemProblem = virtioMemWarning }
        }
        if let metadata = root.child("metadata") {
            let policies = metadata.children.filter { $0.namespaceURI == BallastMetadata.namespace }
            if let policy = policies.first {
                definition.metadata = BallastMetadataParser.parse(policy, warn: warn)
            }
            if policies.count > 1 { warn("more than one Ballast metadata element; only the first is used") }
        }
        return (definition, warnings)
    }

    /// A libvirt scaled integer: the text with the element's `unit` attribute (default KiB).
    static func size(_ element: XMLTree, field: String, warn: (String) -> Void) -> UInt64? {
        let text = element.text.trimmedWhitespace
        guard let value = UInt64(text) else {
            warn("\(field) '\(text)' is not an unsigned integer; ignored")
            return nil
        }
        let unit = element.attribute("unit") ?? "KiB"
        guard let scale = LibvirtUnits.scale(unit) else {
            warn("\(field) has unknown unit '\(unit)'; ignored")
            return nil
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        if overflow {
            warn("\(field) \(value) \(unit) overflows 64 bits; ignored")
            return nil
        }
        return bytes
    }

    static func positive(_ text: String?, field: String, maximum: Int = .max, warn: (String) -> Void) -> Int? {
        let trimmed = (text ?? "").trimmedWhitespace
        guard let value = Int(trimmed), value > 0 else {
            warn("\(field) '\(trimmed)' is not a positive integer; ignored")
            return nil
        }
        guard value <= maximum else {
            warn("\(field) \(value) is more than \(maximum); ignored")
            return nil
        }
        return value
    }

    /// More vCPUs than any hypervisor gives a domain (KVM's limit is 4096): a larger `<vcpu>`
    /// is refused, as its CPU ceiling (vCPUs × 1000 millicores) would overflow.
    static let maximumVCPUs = 1 << 16
}

/// libvirt's memory unit suffixes (formatdomain: "Memory Allocation").
enum LibvirtUnits {
    static func scale(_ unit: String) -> UInt64? {
        switch unit {
        case "b", "bytes": 1
        case "KB": 1_000
        case "k", "K", "KiB": 1 << 10
        case "MB": 1_000_000
        case "M", "MiB": 1 << 20
        case "GB": 1_000_000_000
        case "G", "GiB": 1 << 30
        case "TB": 1_000_000_000_000
        case "T", "TiB": 1 << 40
        case "PB": 1_000_000_000_000_000
        case "P", "PiB": 1 << 50
        case "EB": 1_000_000_000_000_000_000
        case "E", "EiB": 1 << 60
        default: nil
        }
    }
}
