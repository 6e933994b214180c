"""Scoring stage, in Python with FastAPI: a fraud score from the R stage's features.

Stage contract (docs/pipelines.md): POST /predict with a JSON body, a JSON answer; GET /health when ready.
Run with `uvicorn app:app`: the python preset sets UVICORN_HOST and UVICORN_PORT.
"""
import math

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI(title="score", docs_url=None, redoc_url=None)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    features = body.get("features") or {}
    zscores = features.get("zscores") or []
    if not features.get("sd") or not zscores:
        return JSONResponse({"error": "features have no spread (sd 0): nothing to score"}, status_code=422)
    # The further the most unusual amount lies from the customer's mean, the likelier fraud.
    peak = max(abs(z) for z in zscores)
    score = 1 / (1 + math.exp(-2 * (peak - 1.5)))
    return {
        "features": features,
        "score": round(score, 6),
        "trace": body.get("trace", []) + ["python"],
        "requestIds": {**body.get("requestIds", {}), "python": request.headers.get("x-request-id")},
    }
