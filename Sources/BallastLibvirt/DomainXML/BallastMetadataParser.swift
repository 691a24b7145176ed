import BallastCore

/// Reads Ballast's `<metadata>` element:
///
///     <ballast:policy xmlns:ballast="https://ballast.dev/xmlns/policy/1">
///       <shares cpu="2048" memory="1024"/>
///       <reservation cpu_millicores="500" memory_bytes="268435456"/>
///       <limit cpu_millicores="2000" memory_bytes="1073741824"/>
///       <floor cpu_millicores="100" memory_bytes="134217728"/>
///       <ceiling cpu_millicores="4000" memory_bytes="2147483648"/>
///       <vcpus min="1" max="4"/>
///       <opt-out/>
///     </ballast:policy>
///
/// Children are matched by local name, with or without the prefix (`virsh
/// metadata --set` puts only the root element into the namespace). Each bad
/// attribute or unknown child yields a warning and is ignored.
enum BallastMetadataParser {
    static func parse(_ policy: XMLTree, warn: (String) -> Void) -> BallastMetadata {
        var metadata = BallastMetadata()
        for element in policy.children {
            let tag = element.localName
            let field = { (attribute: String) in "Ballast metadata <\(tag) \(attribute)=>" }
            let known: Set<String>
            switch tag {
            case "shares":
                known = ["cpu", "memory"]
                if let cpu = number(element, "cpu", field: field("cpu"), warn: warn) {
                    metadata.cpuShares = CPUWeight(exactly: cpu)
                    if metadata.cpuShares == nil {
                        warn("\(field("cpu")): \(cpu) is outside \(CPUWeight.rangeText); default used")
                    }
                }
                metadata.memoryShares = number(element, "memory", field: field("memory"), warn: warn)
                    .map { UInt32(clamping: $0) }
                if metadata.memoryShares == 0 {
                    warn("Ballast metadata <shares>: 0 is not a weight; default used")
                    metadata.memoryShares = nil
                }
            case "reservation":
                known = ["cpu_millicores", "memory_bytes"]
                metadata.reservationCPU = cpu(element, field: field, warn: warn)
                metadata.reservationMemory = number(element, "memory_bytes", field: field("memory_bytes"), warn: warn)
            case "limit":
                known = ["cpu_millicores", "memory_bytes"]
                metadata.limitCPU = cpu(element, field: field, warn: warn)
                metadata.limitMemory = number(element, "memory_bytes", field: field("memory_bytes"), warn: warn)
            case "floor":
                known = ["cpu_millicores", "memory_bytes"]
                metadata.floorCPU = cpu(element, field: field, warn: warn)
                metadata.floorMemory = number(element, "memory_bytes", field: field("memory_bytes"), warn: warn)
            case "ceiling":
                known = ["cpu_millicores", "memory_bytes"]
                metadata.ceilingCPU = cpu(element, field: field, warn: warn)
                metadata.ceilingMemory = number(element, "memory_bytes", field: field("memory_bytes"), warn: warn)
            case "vcpus":
                known = ["min", "max"]
                metadata.minVCPUs = number(element, "min", field: field("min"), warn: warn).map { Int(clamping: $0) }
                metadata.maxVCPUs = number(element, "max", field: field("max"), warn: warn).map { Int(clamping: $0) }
            case "opt-out":
                known = []
                metadata.optOut = true
            default:
                warn("Ballast metadata has unknown element <\(tag)>; ignored")
                continue
            }
            for (name, _) in element.attributes {
                if !known.contains(name) { warn("Ballast metadata <\(tag)> has unknown attribute '\(name)'; ignored") }
            }
        }
        return metadata
    }

    private static func cpu(_ element: XMLTree, field: (String) -> String, warn: (String) -> Void) -> Int? {
        number(element, "cpu_millicores", field: field("cpu_millicores"), warn: warn).map { Int(clamping: $0) }
    }

    private static func number(_ element: XMLTree, _ attribute: String, field: String,
                               warn: (String) -> Void) -> UInt64? {
        guard let text = element.attribute(attribute) else { return nil }
        guard let value = UInt64(text.trimmedWhitespace) else {
            warn("\(field) '\(text)' is not an unsigned integer; default used")
            return nil
        }
        return value
    }
}
