"""The encoders behind core's Encoder seam (onnxruntime, sentence-transformers) and the
one-time ONNX export. Heavy libraries load only when a model is used."""
