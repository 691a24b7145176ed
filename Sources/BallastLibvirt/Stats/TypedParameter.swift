import CLibvirt
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libvirt typed parameter value in Swift form (virTypedParameterType).
public enum TypedValue: Sendable, Hashable {
    case int(Int32)
    case uint(UInt32)
    case llong(Int64)
    case ullong(UInt64)
    case double(Double)
    case boolean(Bool)
    case string(String)

    /// Reads the value of a C parameter according to its type tag.
    init?(_ param: UnsafePointer<virTypedParameter>) {
        let value = param.pointee.value
        switch UInt32(bitPattern: param.pointee.type) {
        case VIR_TYPED_PARAM_INT.rawValue: self = .int(value.i)
        case VIR_TYPED_PARAM_UINT.rawValue: self = .uint(value.ui)
        case VIR_TYPED_PARAM_LLONG.rawValue: self = .llong(value.l)
        case VIR_TYPED_PARAM_ULLONG.rawValue: self = .ullong(value.ul)
        case VIR_TYPED_PARAM_DOUBLE.rawValue: self = .double(value.d)
        case VIR_TYPED_PARAM_BOOLEAN.rawValue: self = .boolean(value.b != 0)
        case VIR_TYPED_PARAM_STRING.rawValue: self = .string(value.s.map { String(cString: $0) } ?? "")
        default: return nil
        }
    }

    /// The value as an unsigned integer, when it is a non-negative number.
    public var unsigned: UInt64? {
        switch self {
        case .int(let v): v >= 0 ? UInt64(v) : nil
        case .uint(let v): UInt64(v)
        case .llong(let v): v >= 0 ? UInt64(v) : nil
        case .ullong(let v): v
        case .double(let v): v >= 0 && v < 1.8e19 ? UInt64(v) : nil
        case .boolean, .string: nil
        }
    }

    /// The value as a signed integer (vcpu_quota is signed: -1 means unlimited).
    public var signed: Int64? {
        switch self {
        case .int(let v): Int64(v)
        case .uint(let v): Int64(v)
        case .llong(let v): v
        case .ullong(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        case .double(let v): v.magnitude < 9.2e18 ? Int64(v) : nil
        case .boolean, .string: nil
        }
    }
}

/// An array of C typed parameters owned by Swift and freed with
/// `virTypedParamsFree`. Built with libvirt's own `virTypedParamsAdd*`; used to
/// send scheduler parameters and, in tests and benchmarks, as stats fixtures.
public final class TypedParameterList {
    private(set) var parameters: UnsafeMutablePointer<virTypedParameter>?
    private(set) var count: Int32 = 0
    private var capacity: Int32 = 0

    /// Builds the list; fails with the first parameter libvirt rejects (e.g. a name over 80 bytes).
    public init(_ entries: [(String, TypedValue)]) throws(LibvirtError) {
        for (name, value) in entries { try add(name, value) }
    }

    deinit {
        virTypedParamsFree(parameters, count)
    }

    public func add(_ name: String, _ value: TypedValue) throws(LibvirtError) {
        let status: Int32
        switch value {
        case .int(let v): status = virTypedParamsAddInt(&parameters, &count, &capacity, name, v)
        case .uint(let v): status = virTypedParamsAddUInt(&parameters, &count, &capacity, name, v)
        case .llong(let v): status = virTypedParamsAddLLong(&parameters, &count, &capacity, name, v)
        case .ullong(let v): status = virTypedParamsAddULLong(&parameters, &count, &capacity, name, v)
        case .double(let v): status = virTypedParamsAddDouble(&parameters, &count, &capacity, name, v)
        case .boolean(let v): status = virTypedParamsAddBoolean(&parameters, &count, &capacity, name, v ? 1 : 0)
        case .string(let v): status = virTypedParamsAddString(&parameters, &count, &capacity, name, v)
        }
        if status < 0 { throw LibvirtError.capture(operation: "virTypedParamsAdd(\(name))", connection: nil) }
    }

    /// The parameters as a buffer for the parsers.
    var buffer: UnsafeBufferPointer<virTypedParameter> {
        UnsafeBufferPointer(start: parameters, count: Int(count))
    }
}

/// Walks a C typed-parameter array, handing each name and value to `body`.
func forEachTypedParameter(_ buffer: UnsafeBufferPointer<virTypedParameter>,
                           _ body: (String, TypedValue) -> Void) {
    guard let base = buffer.baseAddress else { return }
    for index in 0..<buffer.count {
        let param = base + index
        guard let field = ballast_typed_param_field(param), let value = TypedValue(param) else { continue }
        body(String(cString: field), value)
    }
}

/// Walks a C typed-parameter array, handing each name's bytes (valid during the
/// call) and the parameter to `body`: the stats parser matches names without a
/// `String` per parameter and decodes only the values it uses.
func forEachTypedParameterName(_ buffer: UnsafeBufferPointer<virTypedParameter>,
                               _ body: (UnsafeBufferPointer<UInt8>, UnsafePointer<virTypedParameter>) -> Void) {
    guard let base = buffer.baseAddress else { return }
    for index in 0..<buffer.count {
        let param = base + index
        guard let field = ballast_typed_param_field(param) else { continue }
        let name = UnsafeBufferPointer(start: UnsafeRawPointer(field).assumingMemoryBound(to: UInt8.self), count: strnlen(field, Int(VIR_TYPED_PARAM_FIELD_LENGTH)))
        body(name, param)
    }
}
