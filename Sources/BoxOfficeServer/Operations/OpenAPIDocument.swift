import Foundation

/// The OpenAPI 3 document of the REST API, shipped as a resource and served as it is.
enum OpenAPIDocument {
    /// The document's bytes; start-up fails loudly if the resource is missing or not JSON.
    static func load() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw OptionsError("openapi.json is missing from the BoxOfficeServer resources")
        }
        let data = try Data(contentsOf: url)
        _ = try JSONSerialization.jsonObject(with: data)
        return data
    }
}
