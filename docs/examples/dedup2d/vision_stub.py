#!/usr/bin/env python3
"""A stand-in for dedupcad-vision to try Boomerang's Dedup2D API by hand (not an engine: answers are fixed).

index/add answers file_hash = SHA-256 of the request body and remembers it; search answers that drawing as a
duplicate with visual similarity 0.99.   Usage: python3 vision_stub.py [port]   (default 58001)
"""
import hashlib, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

indexed = []

class Stub(BaseHTTPRequestHandler):
    def answer(self, body, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            return self.answer({"status": "healthy", "service": "dedupcad-vision-stub", "version": "0", "indexes": {"l1": len(indexed)}})
        self.answer({"detail": "Not Found"}, 404)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path = self.path.split("?")[0]
        if path == "/api/index/add":
            digest = hashlib.sha256(body).hexdigest()
            indexed.append(digest)
            return self.answer({"success": True, "drawing_id": len(indexed), "file_hash": digest,
                                "message": "indexed", "processing_time_ms": 1.0})
        if path == "/api/v2/index/rebuild":
            return self.answer({"success": True, "message": "rebuilt"})
        if path == "/api/v2/search":
            matches = [{"drawing_id": str(i + 1), "file_hash": h, "file_name": "bracket_v2.png", "similarity": 0.99,
                        "confidence": 0.99, "match_level": 2, "verdict": "duplicate", "levels": {"l1": {"phash": 0.99}}}
                       for i, h in enumerate(indexed[-1:])]
            return self.answer({"success": True, "total_matches": len(matches), "duplicates": matches, "similar": [],
                                "final_level": 2, "timing": {"total_ms": 3, "l1_ms": 1, "l2_ms": 2, "l3_ms": 0, "l4_ms": 0},
                                "level_stats": {"l1": {"passed": len(matches), "filtered": 0, "time_ms": 1}},
                                "warnings": [], "error": None})
        self.answer({"detail": "Not Found"}, 404)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 58001), Stub).serve_forever()
