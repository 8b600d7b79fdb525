/// The API contract as served at `/openapi.yaml`: the same bytes the generated types and server come from.
public enum HallAPIDocument {
    public static let yaml: [UInt8] = PackageResources.openapi_yaml
}
