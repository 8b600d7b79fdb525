import Foundation
import HallAPI
import Yams

/// What `openapi.yaml` says about the fields of each operation's JSON body, so a refused value is answered with
/// what the contract allows ("verdict 须为 satisfied、basically_satisfied、dissatisfied 之一") and not only "invalid".
struct ContractFields: Sendable {
    struct Field: Sendable, Equatable {
        var allowed: [String]
        var description: String?
    }

    /// operationId → dotted field path in the request body → its enum and description.
    private let fields: [String: [String: Field]]
    /// operationId → query parameter → its enum and description.
    private let queries: [String: [String: Field]]
    /// operationId → path parameter → its enum.
    private let paths: [String: [String: Field]]

    static let shared = ContractFields(yaml: String(decoding: HallAPIDocument.yaml, as: UTF8.self))

    init(yaml: String) {
        guard let doc = (try? Yams.load(yaml: yaml)) as? [String: Any] else {
            fields = [:]
            queries = [:]
            paths = [:]
            return
        }
        let parameters = ((doc["components"] as? [String: Any])?["parameters"] as? [String: Any]) ?? [:]
        let schemas = ((doc["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
        func resolve(_ schema: [String: Any]) -> [String: Any] {
            guard let ref = schema["$ref"] as? String, let name = ref.split(separator: "/").last,
                  let target = schemas[String(name)] as? [String: Any] else { return schema }
            return target
        }
        func walk(_ schema: [String: Any], prefix: String, depth: Int, into out: inout [String: Field]) {
            let schema = resolve(schema)
            guard depth < 6, let properties = schema["properties"] as? [String: Any] else { return }
            for (name, value) in properties {
                guard let property = value as? [String: Any] else { continue }
                let path = prefix.isEmpty ? name : prefix + "." + name
                let resolved = resolve(property)
                if let values = resolved["enum"] as? [Any] {
                    out[path] = Field(allowed: values.map { "\($0)" }, description: (property["description"] ?? resolved["description"]) as? String)
                }
                walk(resolved, prefix: path, depth: depth + 1, into: &out)
            }
        }
        var found: [String: [String: Field]] = [:]
        var queryFound: [String: [String: Field]] = [:]
        var pathFound: [String: [String: Field]] = [:]
        for case let (_, item as [String: Any]) in (doc["paths"] as? [String: Any]) ?? [:] {
            let shared = (item["parameters"] as? [[String: Any]]) ?? []
            for case let (_, op as [String: Any]) in item {
                guard let id = op["operationId"] as? String else { continue }
                var query: [String: Field] = [:]
                var path: [String: Field] = [:]
                for var parameter in shared + ((op["parameters"] as? [[String: Any]]) ?? []) {
                    if let ref = parameter["$ref"] as? String, let name = ref.split(separator: "/").last,
                       let target = parameters[String(name)] as? [String: Any] { parameter = target }
                    guard let place = parameter["in"] as? String, let name = parameter["name"] as? String,
                          let values = (parameter["schema"] as? [String: Any])?["enum"] as? [Any] else { continue }
                    let field = Field(allowed: values.map { "\($0)" }, description: parameter["description"] as? String)
                    if place == "query" { query[name] = field } else if place == "path" { path[name] = field }
                }
                queryFound[id] = query
                pathFound[id] = path
                guard let body = op["requestBody"] as? [String: Any],
                      let json = (body["content"] as? [String: Any])?["application/json"] as? [String: Any],
                      let schema = json["schema"] as? [String: Any] else { continue }
                var out: [String: Field] = [:]
                walk(schema, prefix: "", depth: 0, into: &out)
                found[id] = out
            }
        }
        queries = queryFound
        paths = pathFound
        fields = found
    }

    func field(operation: String, path: [String]) -> Field? {
        fields[operation]?[path.joined(separator: ".")]
    }

    /// Whether the operation takes a JSON body.
    func hasBody(operation: String) -> Bool { fields[operation] != nil }

    /// The first path parameter whose value is outside the enum the contract gives it.
    func refusedPathParameter(operation: String, values: [String: Substring]) -> (name: String, field: Field)? {
        for (name, field) in paths[operation] ?? [:] {
            if let value = values[name], !field.allowed.contains(String(value)) { return (name, field) }
        }
        return nil
    }

    /// The first query parameter of `query` whose value is outside the enum the contract gives it.
    func refusedParameter(operation: String, query: String) -> (name: String, field: Field)? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            guard parts.count == 2, let field = queries[operation]?[parts[0]], !field.allowed.contains(parts[1]) else { continue }
            return (parts[0], field)
        }
        return nil
    }

    /// A `DecodingError` of an operation's body in words a caller can act on, in Chinese and English; an enum value
    /// it refused is answered with the values the contract allows for that operation (none for a hand-routed body).
    func describe(_ error: any Error, operation: String) -> (zh: String, en: String) {
        func dotted(_ c: DecodingError.Context) -> [String] { c.codingPath.map(\.stringValue).filter { Int($0) == nil } }
        switch error {
        case DecodingError.keyNotFound(let key, let c):
            let path = (dotted(c) + [key.stringValue]).joined(separator: ".")
            return ("缺少字段 \(path)", "missing field \(path)")
        case DecodingError.typeMismatch(_, let c):
            let path = dotted(c).joined(separator: ".")
            return ("字段 \(path) 的类型不对", "wrong type at \(path)")
        case DecodingError.valueNotFound(_, let c):
            let path = dotted(c).joined(separator: ".")
            return ("字段 \(path) 不能为空", "null at \(path)")
        case DecodingError.dataCorrupted(let c) where c.codingPath.isEmpty:
            return ("请求内容不是有效的 JSON", "not JSON")
        case DecodingError.dataCorrupted(let c):
            let path = dotted(c)
            let name = path.joined(separator: ".")
            guard let field = field(operation: operation, path: path) else {
                return ("字段 \(name) 的值无效", "invalid value at \(name)")
            }
            let allowed = field.allowed.joined(separator: "、")
            let meaning = field.description.map { "（\($0)）" } ?? ""
            return ("字段 \(name) 须为 \(allowed) 之一\(meaning)", "\(name) must be one of \(field.allowed.joined(separator: ", "))")
        default:
            return ("请求内容无法读取", "unreadable")
        }
    }
}
