"""SAE Inspector: causal interpretation of a defect-detection ViT through a sparse autoencoder."""

__version__ = "0.1.0"
