// Decision stage, on the JVM: turns the Python stage's score into approve, review or block.
// Plain Java with the JDK's own HTTP server and a small JSON reader, so it runs with a bare JDK (`java Decide.java`).
// A Scala stage is the same to the pipeline: language jvm, port 8080, POST /predict, GET /health.
//
// Environment: HOST (default 0.0.0.0), PORT (default 8080), STAGE_DELAY_MS (artificial latency for timeout drills, default 0).

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

public class Decide {
    public static void main(String[] args) throws IOException {
        String host = System.getenv().getOrDefault("HOST", "0.0.0.0");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        long delayMs = Long.parseLong(System.getenv().getOrDefault("STAGE_DELAY_MS", "0"));
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/health", exchange -> send(exchange, 200, Map.of("status", "ok")));
        server.createContext("/predict", exchange -> predict(exchange, delayMs));
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        System.out.println("decide stage listening on " + host + ":" + port + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    }

    @SuppressWarnings("unchecked")
    static void predict(HttpExchange exchange, long delayMs) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            send(exchange, 405, Map.of("error", "POST only"));
            return;
        }
        Object parsed;
        try {
            parsed = new Json(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).value();
        } catch (RuntimeException e) {
            send(exchange, 400, Map.of("error", "invalid JSON: " + e.getMessage()));
            return;
        }
        if (!(parsed instanceof Map) || !(((Map<String, Object>) parsed).get("score") instanceof Double)) {
            send(exchange, 422, Map.of("error", "score must be a number"));
            return;
        }
        Map<String, Object> body = (Map<String, Object>) parsed;
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double score = (Double) body.get("score");
        String decision = score >= 0.8 ? "block" : score >= 0.5 ? "review" : "approve";
        List<Object> trace = new ArrayList<>(body.get("trace") instanceof List ? (List<Object>) body.get("trace") : List.of());
        trace.add("jvm");
        Map<String, Object> requestIds = new LinkedHashMap<>(body.get("requestIds") instanceof Map ? (Map<String, Object>) body.get("requestIds") : Map.of());
        requestIds.put("jvm", exchange.getRequestHeaders().getFirst("X-Request-Id"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("decision", decision);
        answer.put("score", score);
        answer.put("trace", trace);
        answer.put("requestIds", requestIds);
        send(exchange, 200, answer);
    }

    static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A small JSON reader and writer: objects, arrays, strings, numbers (as Double), booleans and null. */
    static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object value() {
            Object v = read();
            skipSpace();
            if (at != text.length()) throw new IllegalArgumentException("trailing characters at " + at);
            return v;
        }

        private Object read() {
            skipSpace();
            if (at >= text.length()) throw new IllegalArgumentException("unexpected end");
            char c = text.charAt(at);
            if (c == '{') return readObject();
            if (c == '[') return readArray();
            if (c == '"') return readString();
            if (text.startsWith("true", at)) { at += 4; return Boolean.TRUE; }
            if (text.startsWith("false", at)) { at += 5; return Boolean.FALSE; }
            if (text.startsWith("null", at)) { at += 4; return null; }
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
            if (start == at) throw new IllegalArgumentException("unexpected '" + c + "' at " + at);
            return Double.parseDouble(text.substring(start, at));
        }

        private Map<String, Object> readObject() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (peek() == '}') { at++; return map; }
            while (true) {
                skipSpace();
                String key = readString();
                skipSpace();
                expect(':');
                map.put(key, read());
                skipSpace();
                if (peek() == ',') { at++; continue; }
                expect('}');
                return map;
            }
        }

        private List<Object> readArray() {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (peek() == ']') { at++; return list; }
            while (true) {
                list.add(read());
                skipSpace();
                if (peek() == ',') { at++; continue; }
                expect(']');
                return list;
            }
        }

        private String readString() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') return out.toString();
                if (c != '\\') { out.append(c); continue; }
                char e = text.charAt(at++);
                switch (e) {
                    case 'n': out.append('\n'); break;
                    case 't': out.append('\t'); break;
                    case 'r': out.append('\r'); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'u': out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; break;
                    default: out.append(e);
                }
            }
        }

        private char peek() {
            if (at >= text.length()) throw new IllegalArgumentException("unexpected end");
            return text.charAt(at);
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at " + at);
            at++;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        }

        @SuppressWarnings("unchecked")
        static String write(Object v) {
            if (v == null) return "null";
            if (v instanceof String) return quote((String) v);
            if (v instanceof Double || v instanceof Boolean || v instanceof Integer) return String.valueOf(v);
            if (v instanceof Map) {
                List<String> parts = new ArrayList<>();
                ((Map<String, Object>) v).forEach((k, x) -> parts.add(quote(k) + ":" + write(x)));
                return "{" + String.join(",", parts) + "}";
            }
            List<String> parts = new ArrayList<>();
            for (Object x : (List<Object>) v) parts.add(write(x));
            return "[" + String.join(",", parts) + "]";
        }

        private static String quote(String s) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') out.append('\\').append(c);
                else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                else out.append(c);
            }
            return out.append('"').toString();
        }
    }
}
