import BallastCore

/// A domain's `<memory model='virtio-mem'>` device: memory the guest plugs and unplugs
/// in whole blocks, on top of its boot memory, when Ballast changes `requested`
/// (docs/virtio-mem.md). It works where a balloon cannot (VFIO passthrough pins
/// guest memory), and the guest gives back whole blocks, not scattered pages.
public struct VirtioMemDevice: Sendable, Hashable {
    /// One attribute of the device's `<address>`.
    public struct Attribute: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// `<target><size>`: the most the device can plug.
    public var size: UInt64
    /// `<target><block>`: the unit of every plug and unplug (a power of two).
    public var block: UInt64
    /// `<target><requested>`: what the guest was last asked to plug.
    public var requested: UInt64
    /// `<target><current>` (live XML only): what the guest has plugged.
    public var current: UInt64?
    /// `<target><node>`: the guest NUMA node the memory goes to.
    public var node: Int?
    /// `<alias name=>` (live XML only), what libvirt's events name the device by.
    public var alias: String?
    /// `<address>`'s attributes in document order (live XML only): libvirt finds the
    /// device to update by its address, so an update without it matches nothing.
    public var address: [Attribute] = []

    public init(size: UInt64, block: UInt64, requested: UInt64, current: UInt64? = nil, node: Int? = nil, alias: String? = nil) {
        self.size = size
        self.block = block
        self.requested = requested
        self.current = current
        self.node = node
        self.alias = alias
    }

    /// The request that gives the guest at least `bytes` on top of its boot memory: whole
    /// blocks, rounded up (never below what the governor decided), at most `size`.
    public func request(covering bytes: UInt64) -> UInt64 {
        WholeBlocks.covering(bytes, block: block, limit: size)
    }

    /// The device XML `virDomainUpdateDeviceFlags` takes to ask for `bytes`: the device as
    /// libvirt matches it (model, size, node, block, alias, address) with a new `<requested>`.
    public func updateXML(requesting bytes: UInt64) -> String {
        var target = "<size unit='KiB'>\(size / 1024)</size>"
        if let node { target += "<node>\(node)</node>" }
        target += "<block unit='KiB'>\(block / 1024)</block><requested unit='KiB'>\(bytes / 1024)</requested>"
        var xml = "<memory model='virtio-mem'><target>\(target)</target>"
        if let alias, Self.isPlain(alias) { xml += "<alias name='\(alias)'/>" }
        let attributes = address.filter { Self.isPlain($0.name) && Self.isPlain($0.value) }
        if !attributes.isEmpty {
            xml += "<address" + attributes.map { " \($0.name)='\($0.value)'" }.joined() + "/>"
        }
        return xml + "</memory>"
    }

    /// libvirt writes aliases and addresses in letters, digits and `_-:.`; anything else
    /// is left out rather than escaped (the update then fails with libvirt's error).
    private static func isPlain(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-:.".contains($0)) }
    }
}

extension VirtioMemDevice {
    /// Reads the domain's virtio-mem devices. Ballast resizes one per domain: with more
    /// than one, or one it cannot trust (no size, a block that is not a power of two, a
    /// request above the size), it warns and resizes none, leaving the memory as it is.
    static func parse(_ devices: XMLTree, warn: (String) -> Void) -> VirtioMemDevice? {
        let found = devices.children.filter { $0.localName == "memory" && $0.attribute("model") == "virtio-mem" }
        guard let element = found.first else { return nil }
        if found.count > 1 {
            warn("\(found.count) virtio-mem devices: Ballast resizes one per domain, so none of them; memory moves by the balloon only")
            return nil
        }
        let field = "<memory model='virtio-mem'>"
        guard let target = element.child("target"), let sizeElement = target.child("size"),
              let size = DomainXMLParser.size(sizeElement, field: "\(field)<size>", warn: warn), size > 0 else {
            warn("\(field) has no usable <target><size>; the device is left at its current size")
            return nil
        }
        let block = target.child("block").flatMap { DomainXMLParser.size($0, field: "\(field)<block>", warn: warn) } ?? 0
        guard block > 0, block & (block - 1) == 0 else {
            warn("\(field) block size \(block) B is not a power of two; the device is left at its current size")
            return nil
        }
        let requested = target.child("requested").flatMap { DomainXMLParser.size($0, field: "\(field)<requested>", warn: warn) } ?? 0
        guard requested <= size else {
            warn("\(field) requests \(requested) B, above its size \(size) B; the device is left at its current size")
            return nil
        }
        let current = target.child("current").flatMap { DomainXMLParser.size($0, field: "\(field)<current>", warn: warn) }
        let node = target.child("node").flatMap { Int($0.text.trimmedWhitespace) }
        var device = VirtioMemDevice(size: size, block: block, requested: requested, current: current, node: node,
                                     alias: element.child("alias")?.attribute("name"))
        device.address = element.child("address")?.attributes.map { Attribute(name: $0.name, value: $0.value) } ?? []
        return device
    }
}
