package dev.panagrad.demo;

import java.nio.file.Path;

/**
 * The demo's command line: {@code --epochs N --fine-tune-epochs N --batch N --threads N
 * --seed N --lr X --save FILE --help}.
 */
record DemoOptions(int epochs, int fineTuneEpochs, int batch, int threads, long seed, double lr, Path save) {
    static final String HELP = """
            usage: mvn -q compile exec:exec -Ddemo.args="[options]"

            Trains a small CNN on the bundled handwritten digits (UCI, CC BY 4.0), fine-tunes a
            new head with the backbone frozen, then saves and reloads the model as safetensors.

              --epochs N            training epochs (default 12)
              --fine-tune-epochs N  epochs for the new head (default 3)
              --batch N             batch size (default 32)
              --threads N           CPU threads for kernels (default: one per core)
              --seed N              random seed for initialisation and shuffling (default 0)
              --lr X                Adam learning rate for the CNN (default 0.003)
              --save FILE           keep the saved model in FILE (default: a temporary file)
              --help                this text
            """;

    /** Parses args; prints help and returns null for --help; throws on bad input. */
    static DemoOptions parse(String[] args) {
        int epochs = 12, fine = 3, batch = 32, threads = Runtime.getRuntime().availableProcessors();
        long seed = 0;
        double lr = 3e-3;
        Path save = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank()) continue;
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(HELP);
                return null;
            }
            String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.length ? args[++i] : null);
            String key = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (v == null) throw new IllegalArgumentException(key + " needs a value; see --help");
            try {
                switch (key) {
                    case "--epochs" -> epochs = positive(key, Integer.parseInt(v));
                    case "--fine-tune-epochs" -> fine = positive(key, Integer.parseInt(v));
                    case "--batch" -> batch = positive(key, Integer.parseInt(v));
                    case "--threads" -> threads = positive(key, Integer.parseInt(v));
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--lr" -> lr = Double.parseDouble(v);
                    case "--save" -> save = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + key + "; see --help");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + v + "' is not a number; see --help");
            }
        }
        return new DemoOptions(epochs, fine, batch, threads, seed, lr, save);
    }

    private static int positive(String key, int v) {
        if (v < 1) throw new IllegalArgumentException(key + " must be at least 1, got " + v);
        return v;
    }
}
