"""The serving peer: a FastAPI + PyTorch server (uvicorn, one process) serving a TorchScript file.

    python3 serve_fastapi.py MODEL.pt PORT THREADS

POST /predictions/{name} takes {"data": <784 floats or a (1, 28, 28) array>} and answers the
logits as a JSON list, as nodetorch's tensor handler does; GET /ping answers {"status": "Healthy"}.
The endpoint is a plain `def`, so FastAPI runs it in its thread pool (PyTorch releases the GIL
in its kernels): the usual way such a server is written.
"""
import sys

import torch
import uvicorn
from fastapi import Body, FastAPI, HTTPException

model_file, port, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
model = torch.jit.load(model_file).eval()
app = FastAPI()


@app.get("/ping")
def ping():
    return {"status": "Healthy"}


@app.post("/predictions/{name}")
def predict(name: str, body: dict = Body(...)):
    try:
        x = torch.tensor(body["data"], dtype=torch.float32).reshape(-1, 1, 28, 28)
    except Exception as error:  # malformed input: 400 as nodetorch answers it
        raise HTTPException(status_code=400, detail=str(error))
    with torch.inference_mode():
        return model(x)[0].tolist()


uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
