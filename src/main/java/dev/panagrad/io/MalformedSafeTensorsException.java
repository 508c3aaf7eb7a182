package dev.panagrad.io;

import java.io.IOException;

/** A safetensors file that cannot be read as one: the message says what is wrong and where. */
public class MalformedSafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedSafeTensorsException(String message) {
        super(message);
    }

    public MalformedSafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
