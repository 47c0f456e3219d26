package io.sparkcl.model.encoder;

/**
 * A model could not be loaded: a tensor is missing, unexpected or mis-shaped, the architecture is unsupported, or
 * a file cannot be read. The message names the tensor (or option) and the source file/folder.
 */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
