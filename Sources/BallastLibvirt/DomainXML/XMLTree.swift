import BallastCore
import CLibXML2

/// An element of a parsed XML document, copied out of libxml2 into Swift values
/// so that no libxml2 pointer outlives the parse.
///
/// libxml2 is the XML library libvirt itself uses, so it is already in the
/// process; FoundationXML would wrap the same library but pull Foundation and
/// ICU into the daemon (about 4 MB resident; docs/observability.md, "Ballast's own memory").
/// No external entity, DTD or network resource is ever loaded (libxml2's
/// defaults plus XML_PARSE_NONET) and its entity-amplification limits stay on:
/// domain XML is data from libvirtd, parsed with no side effects.
struct XMLTree: Sendable {
    /// The element's name without its prefix.
    var localName: String
    /// The URI of the element's namespace, if it has one.
    var namespaceURI: String?
    /// Attributes in document order, by local name.
    var attributes: [(name: String, value: String)]
    /// Child elements in document order.
    var children: [XMLTree]
    /// The text of an element without child elements; empty for one that has
    /// them (Ballast reads values only from leaf elements).
    var text: String

    /// The first child element named `name`.
    func child(_ name: String) -> XMLTree? {
        children.first { $0.localName == name }
    }

    /// The value of the attribute named `name`.
    func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Parses a whole document and returns its root element.
    static func parse(_ xml: String) throws(XMLTreeError) -> XMLTree {
        initializeLibrary
        xmlResetLastError()
        guard xml.utf8.count < Int(Int32.max) else { throw XMLTreeError(detail: "document larger than 2 GiB") }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        var text = xml
        let document = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                xmlReadMemory(characters.baseAddress, Int32(characters.count), "domain.xml", "UTF-8", options)
            }
        }
        guard let document else { throw XMLTreeError(detail: lastErrorText()) }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw XMLTreeError(detail: "the document has no root element") }
        return element(root)
    }

    /// libxml2 wants `xmlInitParser` once before use from several threads.
    private static let initializeLibrary: Void = xmlInitParser()

    private static func element(_ node: xmlNodePtr) -> XMLTree {
        var attributes: [(name: String, value: String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = string(current.pointee.name) ?? ""
            let value = current.pointee.children.flatMap { ownedString(xmlNodeListGetString(node.pointee.doc, $0, 1)) } ?? ""
            attributes.append((name, value))
            attribute = current.pointee.next
        }
        var children: [XMLTree] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { children.append(element(current)) }
            child = current.pointee.next
        }
        let text = children.isEmpty ? ownedString(xmlNodeGetContent(node)) ?? "" : ""
        return XMLTree(localName: string(node.pointee.name) ?? "",
                       namespaceURI: node.pointee.ns.flatMap { string($0.pointee.href) },
                       attributes: attributes, children: children, text: text)
    }

    private static func string(_ characters: UnsafePointer<xmlChar>?) -> String? {
        characters.map { String(cString: $0) }
    }

    /// Copies a string that libxml2 allocated for the caller, and frees it.
    private static func ownedString(_ characters: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let characters else { return nil }
        defer { ballast_xml_free(characters) }
        return String(cString: characters)
    }

    private static func lastErrorText() -> String {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return "not well-formed XML" }
        return "line \(error.pointee.line): \(String(cString: message).trimmedWhitespace)"
    }
}

/// Why a document could not be parsed.
struct XMLTreeError: Error, Sendable {
    var detail: String
}
