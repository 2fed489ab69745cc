import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of `/ws` upgrades. It keeps the connection's channel: a socket whose client stopped reading
/// blocks every write, the close frame included, so the only way to let go of it is to close the channel.
struct LiveRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}
