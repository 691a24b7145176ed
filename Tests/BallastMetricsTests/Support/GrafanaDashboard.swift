import Foundation

/// The PromQL of a Grafana dashboard JSON model, ready to send to Prometheus:
/// every panel's targets and every `label_values` variable query, with the
/// dashboard's variables set to their "All" value and Grafana's built-in
/// interval variables set to fixed ranges.
struct GrafanaDashboard {
    /// One target of one panel.
    struct Query {
        var panel: String
        var refID: String
        var expression: String
    }

    /// A `label_values(selector, label)` variable: `selector` must return series carrying `label`.
    struct VariableQuery {
        var variable: String
        var selector: String
        var label: String
    }

    /// Grafana's own variables, as fixed ranges a test's few minutes of data can fill.
    static let builtIns = [
        "__rate_interval": "1m", "__interval": "15s", "__interval_ms": "15000",
        "__range": "1h", "__range_s": "3600", "__range_ms": "3600000",
    ]

    let json: [String: Any]
    let queries: [Query]
    let variableQueries: [VariableQuery]

    init(path: String) throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        guard let json = object as? [String: Any] else {
            throw ToolFailure(description: "\(path) is not a JSON object (a Grafana dashboard model)")
        }
        self.json = json
        let variables = (json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        var values = Self.builtIns
        var variableQueries: [VariableQuery] = []
        for variable in variables {
            let name = variable["name"] as? String ?? "?"
            switch variable["type"] as? String {
            case "datasource":
                continue
            case "query":
                guard variable["includeAll"] as? Bool == true, let all = variable["allValue"] as? String else {
                    throw ToolFailure(
                        description: "variable \(name) has no allValue; give it includeAll and an allValue regex")
                }
                values[name] = all
                let definition = variable["definition"] as? String ?? ""
                variableQueries.append(try Self.labelValues(definition, variable: name))
            default:
                throw ToolFailure(description: "variable \(name) is of type \(variable["type"] ?? "none"), "
                    + "which this test cannot fill")
            }
        }
        variableQueries = try variableQueries.map { query in
            var resolved = query
            resolved.selector = try Self.substitute(query.selector, values, where: "variable \(query.variable)")
            return resolved
        }
        var queries: [Query] = []
        for panel in Self.panels(in: json["panels"] as? [[String: Any]] ?? []) {
            let title = panel["title"] as? String ?? "untitled"
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                let refID = target["refId"] as? String ?? "?"
                guard let expression = target["expr"] as? String, !expression.isEmpty else {
                    throw ToolFailure(description: "panel \"\(title)\" target \(refID) has no expr")
                }
                queries.append(Query(panel: title, refID: refID,
                                     expression: try Self.substitute(expression, values, where: "panel \"\(title)\"")))
            }
        }
        self.queries = queries
        self.variableQueries = variableQueries
    }

    /// Every panel, rows' nested panels included (a collapsed row holds its panels).
    static func panels(in list: [[String: Any]]) -> [[String: Any]] {
        list.flatMap { panel in [panel] + panels(in: panel["panels"] as? [[String: Any]] ?? []) }
    }

    /// `label_values(selector, label)` split into its parts.
    private static func labelValues(_ definition: String, variable: String) throws -> VariableQuery {
        let prefix = "label_values("
        guard definition.hasPrefix(prefix), definition.hasSuffix(")"), let comma = definition.lastIndex(of: ",") else {
            throw ToolFailure(description: "variable \(variable): \(definition) is not label_values(selector, label)")
        }
        let selector = definition[definition.index(definition.startIndex, offsetBy: prefix.count)..<comma]
        let label = definition[definition.index(after: comma)..<definition.index(before: definition.endIndex)]
        return VariableQuery(variable: variable, selector: selector.trimmingCharacters(in: .whitespaces),
                             label: label.trimmingCharacters(in: .whitespaces))
    }

    /// Replaces `$name` and `${name}` (or `${name:format}`); a `$` not followed by a
    /// name (a regex anchor) stays. An unknown name is an error naming `place`.
    static func substitute(_ text: String, _ values: [String: String], where place: String) throws -> String {
        var out = ""
        var index = text.startIndex
        let isNameCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            guard character == "$", index < text.endIndex else {
                out.append(character)
                continue
            }
            var name: Substring
            if text[index] == "{", let close = text[index...].firstIndex(of: "}") {
                let inner = text[text.index(after: index)..<close]
                name = inner.prefix { $0 != ":" }
                index = text.index(after: close)
            } else {
                let end = text[index...].firstIndex { !isNameCharacter($0) } ?? text.endIndex
                name = text[index..<end]
                index = end
            }
            if name.isEmpty {
                out.append("$")
                continue
            }
            guard let value = values[String(name)] else {
                throw ToolFailure(description: "\(place) uses $\(name), which is neither a variable of the dashboard "
                    + "nor one of Grafana's built-ins this test knows (\(builtIns.keys.sorted()))")
            }
            out += value
        }
        return out
    }
}
