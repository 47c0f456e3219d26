package io.sparkcl.job.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Calls a static method of a class that lives in another module and may be missing from this build
 * (benchmarks written by other modules). A missing class or method is a clear error, not a
 * NoClassDefFoundError at start-up.
 */
final class OptionalApi {
    private OptionalApi() {
    }

    static Object invokeStatic(String className, String method, Class<?>[] types, Object... args) {
        Method m;
        try {
            m = Class.forName(className).getMethod(method, types);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new CliException(className + "." + method + " is not available in this build of sparkcl ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new RuntimeException(cause);
        } catch (IllegalAccessException e) {
            throw new CliException("cannot call " + className + "." + method + ": " + e.getMessage());
        }
    }
}
