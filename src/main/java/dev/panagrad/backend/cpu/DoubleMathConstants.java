package dev.panagrad.backend.cpu;

import jdk.incubator.vector.DoubleVector;

/**
 * The float64 side of the transcendental templates (see {@link FloatMathConstants} for the
 * scheme). Float64 serves gradient checking, so the polynomials are long (minimax to about
 * 2^-56 or better before evaluation rounding) and are evaluated by one Horner loop over
 * coefficient tables, lowest power first; the vector mirror runs the same loop.
 */
final class DoubleMathConstants {
    private DoubleMathConstants() {}

    static long bits(double x) {
        return Double.doubleToRawLongBits(x);
    }

    /** max(x, lo) for a bound lo != 0, NaN kept: a compare and a select (Math.max costs more in vectors). */
    static double atLeast(double x, double lo) {
        return x < lo ? lo : x;
    }

    /** min(x, hi) for a bound hi != 0, NaN kept. */
    static double atMost(double x, double hi) {
        return x > hi ? hi : x;
    }

    static double fromBits(long b) {
        return Double.longBitsToDouble(b);
    }

    // ---- bit layout
    static final int MANT = 52;
    static final long BIAS = 1023;
    static final long MANT_MASK = 0x000fffffffffffffL;
    /** 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits. */
    static final double MAGIC = 0x1.8p52;
    static final long MAGIC_BITS = 0x4338000000000000L;
    static final double HALF = 0.5;
    static final double NAN = Double.NaN;
    static final double POS_INF = Double.POSITIVE_INFINITY;
    static final double NEG_INF = Double.NEGATIVE_INFINITY;

    // ---- exp
    /** e^-746 &lt; 2^-1075 rounds to 0 and e^710 overflows. */
    static final double EXP_LO = -746;
    static final double EXP_HI = 710;
    /** |x| up to which the vector exp skips its clamps and scales by 2^n in one step (|n| <= 1021 there: one normal factor). */
    static final double EXP_FAST = 708;
    /** The lower clamp of v e^x: v e^x rounds to 0 below it for |v| up to its size. */
    static final double EXP_TIMES_LO = -1400;
    static final double LOG2E = 1.4426950408889634;
    static final double LN2_HI = 0.6931471805599453;
    static final double LN2_LO = 2.3190468138462996e-17;
    /** (e^r - 1)/r, |r| &lt;= ln2/2: 1, then the fitted powers 2..11 of e^r (2^-56.4). */
    private static final double[] EXP_U = {1, 0.5000000000000011, 0.16666666666666413, 0.041666666666530135,
        0.008333333333494342, 0.0013888888943637736, 0.00019841269506896603, 2.4801493090391335e-05,
        2.7557586039480435e-06, 2.763025161296427e-07, 2.5000183244314283e-08};

    // ---- log
    static final double MIN_NORMAL = Double.MIN_NORMAL;
    static final double SUB_SCALE = 0x1p54;
    static final double SUB_EXP = 54;
    static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
    /** R(z), log((1+s)/(1-s)) = 2s + s z R(z), z = s^2 &lt;= 0.0295 (absolute 2^-58.8 on R/2). */
    private static final double[] LOG_R = {0.6666666666666734, 0.39999999999413965, 0.28571428742562144,
        0.22222198553785505, 0.18183565407248337, 0.15314021118750684, 0.14796261168009273};

    // ---- tanh
    static final double TANH_SMALL = 0.5493061443340549;
    /** tanh rounds to 1 from 19.1 on; the clamp keeps e^2x finite. */
    static final double TANH_BIG_MAX = 20;
    /** (tanh(x)/x - 1)/x^2 in u = x^2, |x| &lt; ln(3)/2 (2^-57.5). */
    private static final double[] TANH_P = {-0.3333333333333333, 0.13333333333333322, -0.05396825396824465,
        0.02186948853572358, -0.008863235518090295, 0.0035921278284348503, -0.0014558319029092668,
        0.0005900067643213381, -0.00023900742985734886, 9.640887905915341e-05, -3.780785338602863e-05,
        1.3035554587531245e-05, -2.849796809053252e-06};

    // ---- normal distribution and erf
    static final double PHI_SMALL = 0.6;
    static final double INV_SQRT_2PI = 0.3989422804014327;
    static final double SQRT2 = 1.4142135623730951;
    /** (Phi(x) - 1/2)/x in u = x^2, |x| &lt; 0.6 (Phi(-|x|) to 2^-59.3). */
    private static final double[] PHI_S = {0.3989422804014327, -0.06649038006691114, 0.009973557010427759,
        -0.0011873282280493334, 0.00011543491306105425, -9.44713869820727e-06, 6.835877669147589e-07,
        -1.2342299859266207e-07, 2.528612397411962e-07, -4.806911130546519e-07, 5.261674912722608e-07,
        -2.507936170957026e-07};
    /** erf(x) = x T(x^2) below, 1 - erfc(x) above (see FloatMathConstants). */
    static final double ERF_SMALL = 0.9;
    static final double ERF_T0_HI = 1.1283791670955126;
    static final double ERF_T0_LO = 2.0060687520682188e-17;
    /** (erf(x)/x - 2/sqrt(pi))/x^2 in u = x^2, |x| &lt; 0.9 (erf to 2^-57.7). */
    private static final double[] ERF_T = {
        -0.37612638903183754, 0.11283791670955126, -0.026866170645131252,
        0.005223977625442188, -0.000854832702345085, 0.00012055332981789348,
        -1.4925650358384658e-05, 1.646211436482687e-06, -1.6365844652749088e-07,
        1.4807191776348851e-08, -1.229053427365806e-09, 9.422441718221776e-11,
        -6.707841533550529e-12, 4.435158333717284e-13, -2.630928878729059e-14,
        1.1163919544507872e-15};
    /** The tail variable y = (a - K)/(a + K), K the double near 3 where G(K) is nearest a double, G0. */
    static final double G_K = 2.9999999999990674;
    static final double G_HALF_INV_K = 1 / (2 * G_K);
    static final double G_AMAX = 39;
    static final double ERF_AMAX = 27.577164466275352;
    private static final double G0 = 0.3645418450666694;
    /** G(a) = a Q(a) e^(a^2/2) = G0 + y q(y), a in [0.59, 38.7]: q's coefficients (2^-56.7). */
    private static final double[] TAIL_G = {
        0.10987585410798525, -0.13965713097146967, 0.09137734741577906,
        -0.028862946083020865, -0.0017451228909279603, 0.004000106747989605,
        -9.118192501755865e-06, -0.0006512019628468234, -5.109031702468069e-05,
        0.00011660341149379932, 3.27824309116792e-05, -1.6966828620183966e-05,
        -1.2099235004470291e-05, 5.8492121734281924e-08, 2.934908496517607e-06,
        1.1395379301248057e-06, -2.6394292414976806e-07, -4.4847545989845335e-07,
        -1.5466768413350392e-07, 9.170507806857639e-08, 9.148509350472667e-08,
        -1.48355381562149e-08, -2.127600654794518e-08, 4.770044086506283e-09};

    // ---- sin, cos
    static final double TWO_OVER_PI = 0.6366197723675814;
    static final double PIO2_1 = 1.5707963267948966;
    static final double PIO2_2 = 6.123233995736766e-17;
    static final double PIO2_3 = -1.4973849048591698e-33;
    static final double TRIG_MAX = 0x1p20;
    /** (sin(r)/r - 1)/r^2 in u = r^2, |r| &lt;= pi/4 (2^-57.1). */
    private static final double[] SIN_S = {-0.16666666666666666, 0.008333333333333323, -0.00019841269841254725,
        2.755731921402508e-06, -2.5052104871331307e-08, 1.6058361804252542e-10, -7.578471847042362e-13};
    /** (cos(r) - 1 + r^2/2)/r^4 in u = r^2 (2^-59.5 relative to cos). */
    private static final double[] COS_C = {0.041666666666666664, -0.0013888888888888872, 2.4801587301570466e-05,
        -2.7557319214963404e-07, 2.0876754278894016e-09, -1.1470283914021997e-11, 4.7377088187810625e-14};

    private static double horner(double[] c, double x) {
        double p = c[c.length - 1];
        for (int i = c.length - 2; i >= 0; i--) p = Math.fma(p, x, c[i]);
        return p;
    }

    static double expU(double r) {
        return horner(EXP_U, r);
    }

    static double logR(double z) {
        return horner(LOG_R, z);
    }

    static double tanhP(double u) {
        return horner(TANH_P, u);
    }

    static double phiS(double u) {
        return horner(PHI_S, u);
    }

    static double erfT(double u) {
        return horner(ERF_T, u);
    }

    static double tailG(double y) {
        return Math.fma(horner(TAIL_G, y), y, G0);
    }

    static double sinS(double u) {
        return horner(SIN_S, u);
    }

    static double cosC(double u) {
        return horner(COS_C, u);
    }

    /** The vector mirrors: the same Horner loop per lane. */
    static final class V {
        private V() {}

        private static DoubleVector horner(double[] c, DoubleVector x) {
            DoubleVector p = x.broadcast(c[c.length - 1]);
            for (int i = c.length - 2; i >= 0; i--) p = p.fma(x, x.broadcast(c[i]));
            return p;
        }

        static DoubleVector expU(DoubleVector r) {
            return horner(EXP_U, r);
        }

        static DoubleVector logR(DoubleVector z) {
            return horner(LOG_R, z);
        }

        static DoubleVector tanhP(DoubleVector u) {
            return horner(TANH_P, u);
        }

        static DoubleVector phiS(DoubleVector u) {
            return horner(PHI_S, u);
        }

        static DoubleVector erfT(DoubleVector u) {
            return horner(ERF_T, u);
        }

        static DoubleVector tailG(DoubleVector y) {
            return horner(TAIL_G, y).fma(y, y.broadcast(G0));
        }

        static DoubleVector sinS(DoubleVector u) {
            return horner(SIN_S, u);
        }

        static DoubleVector cosC(DoubleVector u) {
            return horner(COS_C, u);
        }
    }
}
