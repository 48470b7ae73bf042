package org.harbour.routes; public class HarbourMain { public static void main(String[] a){} }
