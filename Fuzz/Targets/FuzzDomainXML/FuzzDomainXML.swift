import BallastCore
import BallastLibvirt
import FuzzSupport

/// Domain XML and Ballast's metadata element are written by anyone with libvirt access.
/// Properties: a document that parses yields only usable values (vCPU counts positive, CPU
/// weights inside their range, memory weights non-zero, CPU millicores non-negative, vCPU
/// bounds ordered or warned about), and every warning names the domain it is about.
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
    guard let metadata = definition.metadata else { return 0 }
    fuzzCheck(metadata.cpuShares.map { CPUWeight.range.contains($0.value) } ?? true, "metadata cpu shares outside the range")
    fuzzCheck(metadata.memoryShares != 0, "metadata memory shares 0")
    let millicores = [metadata.reservationCPU, metadata.limitCPU, metadata.floorCPU, metadata.ceilingCPU]
    fuzzCheck(millicores.allSatisfy { ($0 ?? 0) >= 0 }, "negative metadata millicores \(millicores)")
    fuzzCheck(metadata.minVCPUs.map { $0 >= 1 } ?? true, "metadata vcpus min below 1")
    fuzzCheck(metadata.maxVCPUs.map { $0 >= 1 } ?? true, "metadata vcpus max below 1")
    return 0
}
