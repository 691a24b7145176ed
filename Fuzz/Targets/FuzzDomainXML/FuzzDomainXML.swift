import BallastCore
import BallastLibvirt
import FuzzSupport

/// Domain XML and Ballast's metadata element are written by anyone with libvirt access.
/// Properties: a document that parses yields only usable values (vCPU counts positive, CPU
/// weights inside their range, memory weights non-zero, CPU millicores non-negative), the
/// `VMSpec` built from it (`DomainPolicy`) has ordered bounds (floor and reservation under
/// the ceiling, 1 <= min vCPUs <= max vCPUs), and every warning names the domain it is about.
// Also the symbol libFuzzer's own main (linked in, then overridden by SwiftPM's) refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzDomainXML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let xml = String(decoding: fuzzBytes(start, count), as: UTF8.self)
    guard let (definition, warnings) = try? DomainXMLParser.parse(xml, domainName: "fuzz") else { return 0 }
    fuzzCheck(definition.maxVCPUs.map { $0 > 0 } ?? true, "<vcpu> \(String(describing: definition.maxVCPUs))")
    fuzzCheck(definition.currentVCPUs.map { $0 > 0 } ?? true, "<vcpu current=> not positive")
    fuzzCheck(definition.cpuShares.map { CPUWeight.range.contains($0.value) } ?? true, "<shares> outside the range")
    fuzzCheck(warnings.allSatisfy { $0.hasPrefix("domain '\(definition.name)': ") },
              "a warning does not name the domain: \(warnings)")
    checkPolicy(definition)
    guard let metadata = definition.metadata else { return 0 }
    fuzzCheck(metadata.cpuShares.map { CPUWeight.range.contains($0.value) } ?? true, "metadata cpu shares outside the range")
    fuzzCheck(metadata.memoryShares != 0, "metadata memory shares 0")
    let millicores = [metadata.reservationCPU, metadata.limitCPU, metadata.floorCPU, metadata.ceilingCPU]
    fuzzCheck(millicores.allSatisfy { ($0 ?? 0) >= 0 }, "negative metadata millicores \(millicores)")
    return 0
}

/// The spec the balancer obeys, built from the definition as the backend does: its bounds
/// are consistent whatever the XML said.
func checkPolicy(_ definition: DomainDefinition) {
    let (spec, warnings) = DomainPolicy.spec(definition, fallbackMemory: nil, fallbackVCPUs: nil)
    fuzzCheck(spec.floor.cpu <= spec.ceiling.cpu && spec.floor.memory <= spec.ceiling.memory,
              "floor \(spec.floor) above ceiling \(spec.ceiling)")
    fuzzCheck(spec.reservation.cpu <= spec.ceiling.cpu && spec.reservation.memory <= spec.ceiling.memory,
              "reservation \(spec.reservation) above ceiling \(spec.ceiling)")
    fuzzCheck(1 <= spec.minVCPUs && spec.minVCPUs <= spec.maxVCPUs, "vCPUs \(spec.minVCPUs)...\(spec.maxVCPUs)")
    fuzzCheck(spec.floor.cpu >= 0 && spec.ceiling.cpu >= 0, "negative CPU bound")
    fuzzCheck(warnings.allSatisfy { $0.hasPrefix("domain '\(definition.name)': ") }, "a policy warning does not name the domain")
}
